"""Small readers of Asterisk's .conf files, for the consistency tests (no Asterisk needed).

Owns: Asterisk's section/option syntax, the dialplan lines of extensions.conf and the
references in them (``AGI(agi://...)``, ``Goto``, ``GotoIf``, ``Dial(Local/...@ctx)``),
extension-pattern matching, and the evaluation of manager.conf ``eventfilter`` lines.
It understands only what ``asterisk-conf/`` uses and raises ``ConfError`` on anything else,
so a new construct is noticed instead of being skipped silently.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit


class ConfError(ValueError):
    pass


@dataclass
class Section:
    name: str
    templates: tuple[str, ...] = ()
    is_template: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)

    def get(self, key: str) -> str | None:
        values = self.all(key)
        return values[-1] if values else None

    def all(self, key: str) -> list[str]:
        return [v for k, v in self.options if k == key]


def strip_comment(line: str) -> str:
    """Drop a ``;`` comment (``\\;`` is a literal semicolon in Asterisk's syntax)."""
    out, i = [], 0
    while i < len(line):
        if line.startswith("\\;", i):
            out.append(";")
            i += 2
            continue
        if line[i] == ";":
            break
        out.append(line[i])
        i += 1
    return "".join(out).strip()


_HEADER = re.compile(r"^\[(?P<name>[^\]]+)\](?:\((?P<opts>[^)]*)\))?$")
_OPTION = re.compile(r"^(?P<key>[^=]+?)\s*=>?\s*(?P<value>.*)$")


def read_sections(text: str) -> list[Section]:
    sections: list[Section] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = strip_comment(raw)
        if not line:
            continue
        header = _HEADER.match(line)
        if header:
            opts = [o.strip() for o in (header["opts"] or "").split(",") if o.strip()]
            templates = tuple(o for o in opts if o != "!")
            sections.append(Section(header["name"], templates, "!" in opts))
            continue
        option = _OPTION.match(line)
        if option is None or not sections:
            raise ConfError(f"line {number}: cannot read {raw!r}")
        sections[-1].options.append((option["key"].strip(), option["value"].strip()))
    return sections


def resolved(sections: list[Section], section: Section) -> dict[str, list[str]]:
    """A section's options with its templates' options first (as Asterisk applies them)."""
    by_name = {s.name: s for s in sections if s.is_template}
    merged: dict[str, list[str]] = {}
    for name in section.templates:
        if name not in by_name:
            raise ConfError(f"[{section.name}] uses unknown template {name!r}")
        for key, value in resolved(sections, by_name[name]).items():
            merged.setdefault(key, []).extend(value)
    for key, value in section.options:
        merged.setdefault(key, []).append(value)
    return merged


# --- extensions.conf -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    context: str
    exten: str
    priority: int
    label: str | None
    app: str
    args: str
    line: int


@dataclass
class Dialplan:
    globals: dict[str, str]
    contexts: dict[str, dict[str, list[Step]]]

    def steps(self) -> list[Step]:
        return [s for ext in self.contexts.values() for steps in ext.values() for s in steps]

    def expand(self, text: str) -> str:
        """Substitute ``${NAME}`` for every NAME defined in [globals]."""
        return re.sub(r"\$\{(\w+)\}", lambda m: self.globals.get(m[1], m[0]), text)

    def find_exten(self, context: str, exten: str) -> str | None:
        """The extension (pattern) of ``context`` that ``exten`` would run, if any."""
        for pattern in self.contexts.get(context, {}):
            if pattern_matches(pattern, exten):
                return pattern
        return None


_APP = re.compile(r"^(?P<app>\w+)\((?P<args>.*)\)$|^(?P<bare>\w+)$")
_PRIORITY = re.compile(r"^(?P<prio>\d+|n)(?:\((?P<label>[\w-]+)\))?$")


def read_dialplan(text: str) -> Dialplan:
    globals_: dict[str, str] = {}
    contexts: dict[str, dict[str, list[Step]]] = {}
    context: str | None = None
    last: Step | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = strip_comment(raw)
        if not line:
            continue
        header = _HEADER.match(line)
        if header:
            if header["opts"]:
                raise ConfError(f"line {number}: context templates are not supported")
            context = header["name"]
            if context != "globals":
                contexts.setdefault(context, {})
            continue
        option = _OPTION.match(line)
        if option is None or context is None:
            raise ConfError(f"line {number}: cannot read {raw!r}")
        key, value = option["key"].strip(), option["value"].strip()
        if context == "globals":
            globals_[key] = value
            continue
        if key == "exten":
            exten, _, rest = value.partition(",")
        elif key == "same" and last is not None and last.context == context:
            exten, rest = last.exten, value
        else:
            raise ConfError(f"line {number}: unsupported {key!r} in [{context}]")
        prio_text, _, app_text = rest.partition(",")
        prio = _PRIORITY.match(prio_text.strip())
        app = _APP.match(app_text.strip())
        if prio is None or app is None:
            raise ConfError(f"line {number}: cannot read priority/application in {raw!r}")
        steps = contexts[context].setdefault(exten.strip(), [])
        if prio["prio"] == "n":
            if not steps or (last is not None and last.exten != exten.strip()):
                raise ConfError(f"line {number}: priority n without a previous priority")
            priority = steps[-1].priority + 1
        else:
            priority = int(prio["prio"])
        last = Step(
            context,
            exten.strip(),
            priority,
            prio["label"],
            app["app"] or app["bare"],
            app["args"] or "",
            number,
        )
        steps.append(last)
    return Dialplan(globals_, contexts)


def split_args(args: str) -> list[str]:
    """Split application arguments on commas outside ``${...}``, ``$[...]`` and ``(...)``."""
    parts, depth, current = [], 0, []
    for char in args:
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def agi_script(plan: Dialplan, step: Step) -> str:
    """The FastAGI script path of an ``AGI()`` step: ``agi://host:4573/inbound`` -> ``inbound``."""
    url = plan.expand(split_args(step.args)[0])
    parts = urlsplit(url)
    if parts.scheme != "agi" or not parts.path.strip("/"):
        raise ConfError(f"line {step.line}: AGI({url}) is not a FastAGI agi://host/script URL")
    return parts.path.strip("/")


@dataclass(frozen=True)
class Target:
    """A place a step sends the channel: (context, exten, priority or label)."""

    context: str
    exten: str
    priority: str
    line: int


def goto_targets(step: Step) -> list[Target]:
    """Where ``Goto``/``GotoIf``/``Dial(Local/...)`` in ``step`` can send a channel."""
    if step.app == "Goto":
        return [_goto(step, step.args)]
    if step.app == "GotoIf":
        _, _, branches = step.args.rpartition("?")
        return [_goto(step, b) for b in branches.split(":") if b.strip()]
    if step.app == "Dial":
        return [
            Target(m["context"], m["exten"], "1", step.line)
            for m in re.finditer(r"Local/(?P<exten>[^@/,&]+)@(?P<context>[^/,&)]+)", step.args)
        ]
    return []


def _goto(step: Step, where: str) -> Target:
    parts = split_args(where)
    if len(parts) == 1:
        return Target(step.context, step.exten, parts[0], step.line)
    if len(parts) == 2:
        return Target(step.context, parts[0], parts[1], step.line)
    if len(parts) == 3:
        return Target(parts[0], parts[1], parts[2], step.line)
    raise ConfError(f"line {step.line}: cannot read Goto target {where!r}")


def pattern_matches(pattern: str, exten: str) -> bool:
    """Asterisk extension matching: literal, or ``_`` with X Z N [..] . and !."""
    if not pattern.startswith("_"):
        return pattern == exten
    regex = ""
    body = pattern[1:]
    i = 0
    while i < len(body):
        char = body[i]
        if char == "[":
            end = body.index("]", i)
            regex += "[" + body[i + 1 : end] + "]"
            i = end + 1
            continue
        regex += {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*"}.get(
            char.upper(), re.escape(char)
        )
        i += 1
    return re.fullmatch(regex, exten) is not None


# --- manager.conf eventfilter -----------------------------------------------------------


@dataclass(frozen=True)
class EventFilter:
    exclude: bool
    name: str | None = None
    header: str | None = None
    method: str = "none"
    expression: str = ""
    legacy: bool = False


_CRITERION = re.compile(r"(action|name|header|method)\(([^)]*)\)")
#: Legacy filters are POSIX basic regexes (regcomp without REG_EXTENDED); only patterns
#: that mean the same in Python's ``re`` are evaluated here.
_NOT_PORTABLE = re.compile(r"[\\+?|(){}]")


def read_eventfilters(section: Section) -> list[EventFilter]:
    filters = []
    for key, value in section.options:
        if key == "eventfilter":
            exclude = value.startswith("!")
            pattern = value[1:] if exclude else value
            if _NOT_PORTABLE.search(pattern):
                raise ConfError(f"legacy eventfilter {value!r}: not a portable regex")
            filters.append(EventFilter(exclude, expression=pattern, method="regex", legacy=True))
        elif key.startswith("eventfilter("):
            inner = key[len("eventfilter(") : -1]
            criteria = dict(_CRITERION.findall(inner))
            if _CRITERION.sub("", inner).strip(", ") or not key.endswith(")"):
                raise ConfError(f"cannot read {key!r}")
            action = criteria.get("action", "include")
            if action not in {"include", "exclude"}:
                raise ConfError(f"{key!r}: action must be include or exclude")
            filters.append(
                EventFilter(
                    action == "exclude",
                    criteria.get("name"),
                    criteria.get("header"),
                    criteria.get("method", "none"),
                    value,
                )
            )
    return filters


def _matches(flt: EventFilter, name: str, payload: str) -> bool:
    if flt.name is not None and flt.name != name:
        return False
    data = payload
    if flt.header is not None:
        found = re.search(rf"^{re.escape(flt.header)}: (.*)$", payload, re.MULTILINE)
        if found is None:
            return False
        data = found[1]
    method, expr = flt.method, flt.expression
    if method == "none":
        return True
    if method == "regex":
        return re.search(expr, data) is not None
    checks = {
        "exact": data == expr,
        "starts_with": data.startswith(expr),
        "ends_with": data.endswith(expr),
        "contains": expr in data,
    }
    if method not in checks:
        raise ConfError(f"unknown eventfilter method {method!r}")
    return checks[method]


def event_passes(filters: list[EventFilter], name: str, payload: str) -> bool:
    """Whether an event reaches the session (manager.conf's documented filter order)."""
    includes = [f for f in filters if not f.exclude]
    excludes = [f for f in filters if f.exclude]
    if includes and not any(_matches(f, name, payload) for f in includes):
        return False
    return not any(_matches(f, name, payload) for f in excludes)
