"""AMI actions the product sends, as typed commands.

Owns: frozen dataclasses for each action and ``to_action``, which turns one
into the AMI action name and its ordered fields. Checks what a person could get
wrong (Originate needs either an application or a dialplan target) and refuses
it with ``ValueError`` before anything reaches Asterisk. Must not send
anything: ``AmiClient.action`` does.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from cti.ids import ChannelName

AmiFields = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Originate:
    """Call ``channel``; when it answers, run ``application`` or go to context/exten/priority."""

    channel: str
    context: str | None = None
    exten: str | None = None
    priority: int = 1
    application: str | None = None
    data: str = ""
    caller_id: str | None = None
    timeout_ms: int = 30000
    run_async: bool = True
    variables: Mapping[str, str] = field(default_factory=dict)
    #: Uniqueid to give the new channel (``ChannelId``), so its events are ours from the start.
    channel_id: str | None = None
    other_channel_id: str | None = None
    account: str | None = None

    def __post_init__(self) -> None:
        has_app = self.application is not None
        has_target = self.context is not None and self.exten is not None
        if has_app == has_target:
            raise ValueError("Originate needs either application or context+exten, not both")


@dataclass(frozen=True, slots=True)
class Redirect:
    """Move a channel (and optionally a second one) to a dialplan location."""

    channel: ChannelName
    context: str
    exten: str
    priority: int = 1
    extra_channel: ChannelName | None = None
    extra_context: str | None = None
    extra_exten: str | None = None
    extra_priority: int | None = None


@dataclass(frozen=True, slots=True)
class Hangup:
    channel: ChannelName
    cause: int | None = None


@dataclass(frozen=True, slots=True)
class Setvar:
    """Set a channel variable, or a global one when ``channel`` is None."""

    variable: str
    value: str
    channel: ChannelName | None = None


@dataclass(frozen=True, slots=True)
class Getvar:
    variable: str
    channel: ChannelName | None = None


@dataclass(frozen=True, slots=True)
class CoreShowChannels:
    """List live channels (an ``EventList``): the basis of a resync."""


AmiCommand = Originate | Redirect | Hangup | Setvar | Getvar | CoreShowChannels


def _optional(pairs: AmiFields, key: str, value: str | int | None) -> None:
    if value is not None:
        pairs.append((key, str(value)))


def _originate(cmd: Originate) -> AmiFields:
    pairs: AmiFields = [("Channel", cmd.channel)]
    if cmd.application is not None:
        pairs += [("Application", cmd.application), ("Data", cmd.data)]
    else:
        _optional(pairs, "Context", cmd.context)
        _optional(pairs, "Exten", cmd.exten)
        pairs.append(("Priority", str(cmd.priority)))
    _optional(pairs, "CallerID", cmd.caller_id)
    pairs.append(("Timeout", str(cmd.timeout_ms)))
    if cmd.run_async:
        pairs.append(("Async", "true"))
    _optional(pairs, "ChannelId", cmd.channel_id)
    _optional(pairs, "OtherChannelId", cmd.other_channel_id)
    _optional(pairs, "Account", cmd.account)
    # One Variable header per variable: Asterisk reads repeated keys in order.
    pairs += [("Variable", f"{name}={value}") for name, value in cmd.variables.items()]
    return pairs


def _redirect(cmd: Redirect) -> AmiFields:
    pairs: AmiFields = [
        ("Channel", cmd.channel),
        ("Context", cmd.context),
        ("Exten", cmd.exten),
        ("Priority", str(cmd.priority)),
    ]
    _optional(pairs, "ExtraChannel", cmd.extra_channel)
    _optional(pairs, "ExtraContext", cmd.extra_context)
    _optional(pairs, "ExtraExten", cmd.extra_exten)
    _optional(pairs, "ExtraPriority", cmd.extra_priority)
    return pairs


def to_action(cmd: AmiCommand) -> tuple[str, AmiFields]:
    """The AMI action name and ordered fields for a command (ActionID is the client's job)."""
    match cmd:
        case Originate():
            return "Originate", _originate(cmd)
        case Redirect():
            return "Redirect", _redirect(cmd)
        case Hangup(channel=channel, cause=cause):
            pairs: AmiFields = [("Channel", channel)]
            _optional(pairs, "Cause", cause)
            return "Hangup", pairs
        case Setvar(variable=variable, value=value, channel=channel):
            pairs = []
            _optional(pairs, "Channel", channel)
            return "Setvar", [*pairs, ("Variable", variable), ("Value", value)]
        case Getvar(variable=variable, channel=channel):
            pairs = []
            _optional(pairs, "Channel", channel)
            return "Getvar", [*pairs, ("Variable", variable)]
        case CoreShowChannels():
            return "CoreShowChannels", []
    raise TypeError(f"not an AMI command: {cmd!r}")
