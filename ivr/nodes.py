"""The node types of a voice menu: frozen data, one dataclass per ``type:`` in a flow file.

Owns the shape of each node and nothing else: parsing and validation live in
``node_parsers``, behaviour in ``interpreter``. ``ivr.flow`` re-exports these names.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time


@dataclass(frozen=True, slots=True)
class PlayNode:
    id: str
    prompts: tuple[str, ...]
    next: str
    interruptible: bool = False


@dataclass(frozen=True, slots=True)
class MenuNode:
    id: str
    prompt: str
    options: Mapping[str, str]
    default: str
    timeout_ms: int = 5000
    max_retries: int = 2
    invalid_prompt: str = "cc-invalid"
    timeout_prompt: str = "cc-no-input"


@dataclass(frozen=True, slots=True)
class QueueNode:
    id: str
    queue: str
    skills: Mapping[str, int]
    priority_boost: int = 0


@dataclass(frozen=True, slots=True)
class HangupNode:
    id: str
    prompts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CollectNode:
    """Read ``min_digits``..``max_digits`` keys ended by ``#``; optionally check them.

    ``validate`` is ``account`` or ``request`` (asked of the ``CustomerDirectory``),
    ``phone`` (length only) or ``none``. A valid entry is kept under ``store_as`` and goes
    to ``next``; after ``max_retries`` failed attempts the call goes to ``default``.
    A ``secret`` entry (a PIN) is never written to the path or the outcome.
    """

    id: str
    prompt: str
    next: str
    default: str
    store_as: str
    min_digits: int = 1
    max_digits: int = 10
    validate: str = "none"
    timeout_ms: int = 5000
    max_retries: int = 2
    invalid_prompt: str = "cc-invalid"
    timeout_prompt: str = "cc-no-input"
    secret: bool = False


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Open intervals per weekday (0 = Monday), in the hotline's timezone."""

    timezone: str
    days: Mapping[int, tuple[tuple[time, time], ...]]
    holidays: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class HoursNode:
    id: str
    hours: OpeningHours
    open: str
    closed: str


@dataclass(frozen=True, slots=True)
class LanguageNode:
    """A menu whose keys choose the call's language (``options``: key to language code)."""

    id: str
    prompt: str
    options: Mapping[str, str]
    next: str
    default: str
    timeout_ms: int = 5000
    max_retries: int = 1
    invalid_prompt: str = "cc-invalid"


@dataclass(frozen=True, slots=True)
class Condition:
    """Facts a branch rule requires; ``None`` means "any"."""

    known: bool | None = None
    tiers: frozenset[str] | None = None
    open_request: bool | None = None
    verified: bool | None = None


@dataclass(frozen=True, slots=True)
class BranchNode:
    id: str
    rules: tuple[tuple[Condition, str], ...]
    default: str


@dataclass(frozen=True, slots=True)
class SayStatusNode:
    """Read back a service request: ``request`` is ``caller`` (their open request) or the
    ``store_as`` key of an earlier collect node. ``missing`` when there is none to read."""

    id: str
    request: str
    next: str
    missing: str


@dataclass(frozen=True, slots=True)
class CallbackNode:
    """Confirm the number to call back on (the caller's ANI), or take another one.

    ``default`` is where a caller goes who confirms no number within the retries.
    """

    id: str
    queue: str
    default: str
    prompt: str = "cc-callback-on"
    options_prompt: str = "cc-callback-options"
    enter_prompt: str = "cc-enter-number"
    min_digits: int = 6
    max_digits: int = 15
    timeout_ms: int = 5000
    max_retries: int = 2
    goodbye: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VoicemailNode:
    """Ends the flow asking the shell to record a message for ``team`` after ``prompts``."""

    id: str
    team: str
    prompts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TransferNode:
    id: str
    number: str
    prompts: tuple[str, ...] = ()


Node = (
    PlayNode
    | MenuNode
    | QueueNode
    | HangupNode
    | CollectNode
    | HoursNode
    | LanguageNode
    | BranchNode
    | SayStatusNode
    | CallbackNode
    | VoicemailNode
    | TransferNode
)


def targets_of(node: Node) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The nodes this node can go to, each with the field naming it (for error lines)."""
    match node:
        case PlayNode():
            return ((("next",), node.next),)
        case MenuNode():
            keys = tuple((("options", key), target) for key, target in node.options.items())
            return (*keys, (("default",), node.default))
        case CollectNode():
            return ((("next",), node.next), (("default",), node.default))
        case HoursNode():
            return ((("open",), node.open), (("closed",), node.closed))
        case LanguageNode():
            return ((("next",), node.next),)
        case BranchNode():
            rules = tuple(
                (("rules", str(n), "next"), target) for n, (_, target) in enumerate(node.rules)
            )
            return (*rules, (("default",), node.default))
        case SayStatusNode():
            return ((("next",), node.next), (("missing",), node.missing))
        case CallbackNode():
            return ((("default",), node.default),)
    return ()
