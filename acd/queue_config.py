"""Queues as configured: a mapping (read from YAML by the shell) into ``QueueConfig``s.

Owns the file format and its validation; every error names the place in the file
(``support.entry_rules[1].above``), so a typo stops the start with a clear message instead
of surfacing at the first call. Pure: the shell reads the file. The format::

    support:
      skill: support              # default: the queue's name
      min_level: 1
      choice: longest_idle        # or best_fit, or an engine's own strategy
      wrap_up: {mode: timed, seconds: 30}
      steps:                      # TaskRouter-style; timeouts from the join time
        - {skills: {support: 7}, timeout: 30}
        - {skills: {support: 3}, timeout: 90}
      overflow: {action: queue, queue: general}   # or callback, voicemail
      offer_callback: true        # waiting callers may press 1 to be called back
      preferred_window: 20        # seconds a call waits for its preferred agent alone
      entry_rules:                # the first that holds decides (acd/entry.py)
        - {when: closed, action: message, prompt: cc-closed,
           hours: {timezone: America/New_York, week: {mon: "08:00-18:00"}}}
        - {when: no_agent_signed_in, action: voicemail}
        - {when: depth_above, calls: 20, action: queue, queue: general}
        - {when: expected_wait_above, seconds: 300, action: callback}
"""

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acd.entry import EntryAction, EntryCondition, EntryRule, OpeningHours
from acd.model import Overflow, OverflowAction, QueueConfig, RoutingStep, WrapUpMode
from cti.ids import QueueName

E = TypeVar("E", EntryAction, EntryCondition, OverflowAction, WrapUpMode)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: The key that carries each condition's threshold.
THRESHOLDS = {EntryCondition.EXPECTED_WAIT_ABOVE: "seconds", EntryCondition.DEPTH_ABOVE: "calls"}
QUEUE_KEYS = {
    "skill",
    "min_level",
    "choice",
    "wrap_up",
    "steps",
    "overflow",
    "entry_rules",
    "offer_callback",
    "preferred_window",
}
RULE_KEYS = {"when", "action", "seconds", "calls", "hours", "queue", "prompt"}


class QueueConfigError(ValueError):
    """A queue file that cannot be used; the message names the place."""


def parse_queues(raw: object, *, default_wrap_up: float = 30.0) -> dict[QueueName, QueueConfig]:
    """Every queue of a file; overflow and entry-rule targets must be queues of it."""
    queues = {
        QueueName(str(name)): _queue(str(name), _mapping(data, str(name)), default_wrap_up)
        for name, data in _mapping(raw or {}, "queues").items()
    }
    for queue in queues.values():
        targets = [
            (f"{queue.name}.overflow.queue", queue.overflow.queue if queue.overflow else None)
        ]
        targets += [
            (f"{queue.name}.entry_rules[{i}].queue", rule.queue)
            for i, rule in enumerate(queue.entry_rules)
        ]
        for where, target in targets:
            if target is not None and target not in queues:
                raise QueueConfigError(f"{where}: no queue {target!r} in the file")
    return queues


def with_defaults(
    configured: Mapping[QueueName, QueueConfig], names: set[str], wrap_up: float
) -> list[QueueConfig]:
    """A queue for every name: configured ones as configured, the others answered by the
    skill of their own name with the default wrap-up."""
    all_names = sorted(set(configured) | names)
    return [
        configured.get(QueueName(n)) or QueueConfig(QueueName(n), n, 1, wrap_up) for n in all_names
    ]


def _queue(name: str, data: Mapping[str, Any], default_wrap_up: float) -> QueueConfig:
    _known(data, QUEUE_KEYS, name)
    wrap_up = _mapping(data.get("wrap_up", {}), f"{name}.wrap_up")
    try:
        return QueueConfig(
            name=QueueName(name),
            skill=str(data.get("skill", name)),
            min_level=_level(data.get("min_level", 1), f"{name}.min_level"),
            wrap_up_seconds=_number(
                wrap_up.get("seconds", default_wrap_up), f"{name}.wrap_up.seconds"
            ),
            wrap_up_mode=_enum(WrapUpMode, wrap_up.get("mode", "timed"), f"{name}.wrap_up.mode"),
            steps=tuple(
                _step(s, f"{name}.steps[{i}]") for i, s in enumerate(_list(data, "steps", name))
            ),
            overflow=_overflow(data.get("overflow"), f"{name}.overflow"),
            choice=str(data.get("choice", "longest_idle")),
            offer_callback=_flag(data.get("offer_callback", False), f"{name}.offer_callback"),
            preferred_window=_number(data.get("preferred_window", 0), f"{name}.preferred_window"),
            entry_rules=tuple(
                _rule(r, f"{name}.entry_rules[{i}]")
                for i, r in enumerate(_list(data, "entry_rules", name))
            ),
        )
    except ValueError as exc:
        if isinstance(exc, QueueConfigError):
            raise
        raise QueueConfigError(f"{name}: {exc}") from exc


def _step(raw: object, where: str) -> RoutingStep:
    data = _mapping(raw, where)
    _known(data, {"skills", "timeout"}, where)
    skills = _mapping(data.get("skills"), f"{where}.skills")
    levels = {str(k): _level(v, f"{where}.skills.{k}") for k, v in skills.items()}
    timeout = data.get("timeout")
    return RoutingStep(levels, None if timeout is None else _number(timeout, f"{where}.timeout"))


def _overflow(raw: object, where: str) -> Overflow | None:
    if raw is None:
        return None
    data = _mapping(raw, where)
    _known(data, {"action", "queue"}, where)
    action = _enum(OverflowAction, data.get("action"), f"{where}.action")
    queue = data.get("queue")
    if (action is OverflowAction.QUEUE) != (queue is not None):
        raise QueueConfigError(f"{where}.queue: name a queue exactly when the action is queue")
    return Overflow(action, None if queue is None else QueueName(str(queue)))


def _rule(raw: object, where: str) -> EntryRule:
    data = _mapping(raw, where)
    _known(data, RULE_KEYS, where)
    when = _enum(EntryCondition, data.get("when"), f"{where}.when")
    action = _enum(EntryAction, data.get("action"), f"{where}.action")
    above = None
    if when in THRESHOLDS:
        key = THRESHOLDS[when]
        above = _number(data.get(key), f"{where}.{key}")
    hours = None
    if when is EntryCondition.CLOSED:
        hours = _hours(data.get("hours"), f"{where}.hours")
    queue = data.get("queue")
    if (action is EntryAction.QUEUE) != (queue is not None):
        raise QueueConfigError(f"{where}.queue: name a queue exactly when the action is queue")
    prompt = data.get("prompt")
    if action is EntryAction.MESSAGE and not prompt:
        raise QueueConfigError(f"{where}.prompt: a message needs the prompt to play")
    return EntryRule(
        when,
        action,
        above,
        hours,
        None if queue is None else QueueName(str(queue)),
        None if prompt is None else str(prompt),
    )


def _hours(raw: object, where: str) -> OpeningHours:
    data = _mapping(raw, where)
    zone = str(data.get("timezone", ""))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise QueueConfigError(f"{where}.timezone: unknown timezone {zone!r}") from exc
    days: dict[int, tuple[tuple[time, time], ...]] = {}
    for day, spec in _mapping(data.get("week"), f"{where}.week").items():
        if str(day) not in WEEKDAYS:
            raise QueueConfigError(f"{where}.week.{day}: use one of {', '.join(WEEKDAYS)}")
        days[WEEKDAYS.index(str(day))] = _intervals(str(spec), f"{where}.week.{day}")
    holidays = set()
    for i, item in enumerate(data.get("holidays") or []):
        if isinstance(item, date) and not isinstance(item, datetime):
            holidays.add(item)
            continue
        try:
            holidays.add(date.fromisoformat(str(item)))
        except ValueError:
            raise QueueConfigError(f"{where}.holidays[{i}]: {item!r} is not YYYY-MM-DD") from None
    return OpeningHours(zone, days, frozenset(holidays))


def _intervals(spec: str, where: str) -> tuple[tuple[time, time], ...]:
    if spec.strip() == "closed":
        return ()
    intervals = []
    for part in spec.split(","):
        try:
            start, end = (time.fromisoformat(t.strip()) for t in part.split("-"))
        except ValueError:
            raise QueueConfigError(
                f"{where}: {part.strip()!r} must look like 09:00-18:00"
            ) from None
        if not start < end:
            raise QueueConfigError(f"{where}: {part.strip()!r} ends before it starts")
        intervals.append((start, end))
    return tuple(intervals)


def _mapping(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise QueueConfigError(f"{where}: expected a mapping, got {type(raw).__name__}")
    return raw


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise QueueConfigError(f"{where}.{key}: expected a list")
    return raw


def _known(data: Mapping[str, Any], keys: set[str], where: str) -> None:
    unknown = sorted(set(map(str, data)) - keys)
    if unknown:
        raise QueueConfigError(f"{where}.{unknown[0]}: unknown key (use {', '.join(sorted(keys))})")


def _number(raw: object, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
        raise QueueConfigError(f"{where}: expected a number of 0 or more, got {raw!r}")
    return float(raw)


def _flag(raw: object, where: str) -> bool:
    if not isinstance(raw, bool):
        raise QueueConfigError(f"{where}: expected true or false, got {raw!r}")
    return raw


def _level(raw: object, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 10:
        raise QueueConfigError(f"{where}: a skill level is a whole number 1..10, got {raw!r}")
    return raw


def _enum(kind: type[E], raw: object, where: str) -> E:
    try:
        return kind(str(raw))
    except ValueError:
        choices = ", ".join(v.value for v in kind)
        raise QueueConfigError(f"{where}: {raw!r} is not one of {choices}") from None
