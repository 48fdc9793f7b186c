"""The interpreter's vocabulary: the call's IVR state, the actions it asks the runner to
perform, the replies it gets back, and the outcome it finishes with.

Owns data only (frozen, slotted). ``ivr.interpreter`` re-exports these names; the runner
is the only place that turns an action into channel commands.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ivr.directory import Caller, Verdict


@dataclass(frozen=True, slots=True)
class IvrState:
    """Where a call is in its flow. ``phase`` is the step inside a multi-step node and
    ``pending`` the digits it is working on (a secret is held here only until checked)."""

    node: str
    retries: int = 0
    path: tuple[str, ...] = ()
    choice: str | None = None
    language: str | None = None
    caller: Caller = field(default_factory=Caller)
    collected: Mapping[str, str] = field(default_factory=dict)
    verified: bool = False
    phase: str = ""
    pending: str = ""


@dataclass(frozen=True, slots=True)
class Say:
    """A readback: ``digits`` (SAY DIGITS), ``number`` (SAY NUMBER), ``date`` (SAY DATE)."""

    kind: Literal["digits", "number", "date"]
    value: str


Utterance = str | Say  # a str is a prompt name


@dataclass(frozen=True, slots=True)
class Play:
    prompts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Collect:
    """Play ``before`` (interruptible by a key), then ``prompt`` and read up to ``max_digits``."""

    before: tuple[Utterance, ...]
    prompt: str
    timeout_ms: int
    max_digits: int
    escape_digits: str


@dataclass(frozen=True, slots=True)
class Speak:
    """Play prompts and readbacks in order, not interruptible."""

    items: tuple[Utterance, ...]


@dataclass(frozen=True, slots=True)
class Validate:
    """Ask the ``CustomerDirectory``: ``account`` (verify_account) or ``request`` (status)."""

    check: Literal["account", "request"]
    digits: str


@dataclass(frozen=True, slots=True)
class SetLanguage:
    language: str


@dataclass(frozen=True, slots=True)
class IvrOutcome:
    """How the flow ended. At most one of ``queue``, ``callback_number``, ``voicemail`` and
    ``transfer_to`` is set; none of them means the caller was served (or hung up on)."""

    path: tuple[str, ...]
    choice: str | None
    queue: str | None = None
    skills: Mapping[str, int] = field(default_factory=dict)
    priority_boost: int = 0
    goodbye: tuple[str, ...] = ()
    language: str | None = None
    collected: Mapping[str, str] = field(default_factory=dict)
    verified: bool = False
    callback_number: str | None = None
    callback_queue: str | None = None
    voicemail: str | None = None
    transfer_to: str | None = None


@dataclass(frozen=True, slots=True)
class Finish:
    outcome: IvrOutcome


@dataclass(frozen=True, slots=True)
class Goto:
    """Internal to the interpreter: move on to ``node`` without asking the channel."""

    node: str
    mark: str


Action = Play | Collect | Speak | Validate | SetLanguage | Finish
Reply = str | Verdict | None


def outcome_of(state: IvrState, **ending: object) -> IvrOutcome:
    """The outcome of a flow ending in ``state``; ``ending`` names the exit's fields."""
    return IvrOutcome(
        path=state.path,
        choice=state.choice,
        language=state.language,
        collected=dict(state.collected),
        verified=state.verified,
        **ending,  # type: ignore[arg-type]
    )
