"""AMI actions the product sends, as typed commands.

Owns: frozen dataclasses for each action and ``to_action``, which turns one
into the AMI action name and its ordered fields: the single place that maps
commands to AMI fields (``cti.telephony`` only sends what this builds). Also
``spy``, the Originate of a supervisor's phone into ``ChanSpy``. Checks what a
person could get wrong (Originate needs either an application or a dialplan
target; a spy mode or channel name that ChanSpy cannot take) and refuses it with
``ValueError`` before anything reaches Asterisk. Must not send
anything: ``AmiClient.action`` does.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

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


@dataclass(frozen=True, slots=True)
class BlindTransfer:
    """Send every channel bridged to ``channel`` to context/exten (AMI ``BlindTransfer``)."""

    channel: ChannelName
    context: str
    exten: str


@dataclass(frozen=True, slots=True)
class Atxfer:
    """Start an attended transfer from ``channel`` (the transferer) to ``exten``."""

    channel: ChannelName
    exten: str
    context: str | None = None


@dataclass(frozen=True, slots=True)
class CancelAtxfer:
    """Abandon ``channel``'s attended transfer: back to the transferee (Asterisk 16+; it
    queues the features.conf ``atxferabort`` code on the channel)."""

    channel: ChannelName


@dataclass(frozen=True, slots=True)
class MixMonitor:
    """Record a channel's both directions into ``file`` (format from the extension)."""

    channel: ChannelName
    file: str
    options: str = ""


@dataclass(frozen=True, slots=True)
class StopMixMonitor:
    channel: ChannelName


@dataclass(frozen=True, slots=True)
class Bridge:
    """Bridge two live channels together (AMI ``Bridge``)."""

    channel1: ChannelName
    channel2: ChannelName
    #: Courtesy tone to ``channel2`` (Asterisk 22 ``Tone: no|Channel1|Channel2|Both``).
    tone: bool = False


SpyMode = Literal["listen", "whisper", "barge"]
#: ChanSpy options: ``q`` no beep/announcement; ``w`` whisper to the spied-on channel;
#: ``B`` barge: talk to both parties (app_chanspy, Asterisk 22).
SPY_OPTIONS: Mapping[str, str] = {"listen": "q", "whisper": "qw", "barge": "qB"}


def spy(
    supervisor_endpoint: str,
    agent_channel: ChannelName,
    mode: SpyMode,
    *,
    caller_id: str | None = None,
    timeout_ms: int = 30000,
) -> Originate:
    """Ring the supervisor's phone; when answered it runs ``ChanSpy`` on the agent's channel."""
    if mode not in SPY_OPTIONS:
        raise ValueError(f"unknown spy mode {mode!r}")
    if "," in agent_channel or not agent_channel:
        raise ValueError(f"not a channel name: {agent_channel!r}")
    return Originate(
        supervisor_endpoint,
        application="ChanSpy",
        data=f"{agent_channel},{SPY_OPTIONS[mode]}",
        caller_id=caller_id,
        timeout_ms=timeout_ms,
    )


AmiCommand = (
    Originate
    | Redirect
    | Hangup
    | Setvar
    | Getvar
    | CoreShowChannels
    | BlindTransfer
    | Atxfer
    | CancelAtxfer
    | MixMonitor
    | StopMixMonitor
    | Bridge
)


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


def _atxfer(cmd: Atxfer) -> AmiFields:
    pairs: AmiFields = [("Channel", cmd.channel), ("Exten", cmd.exten)]
    _optional(pairs, "Context", cmd.context)
    return pairs


def _mixmonitor(cmd: MixMonitor) -> AmiFields:
    pairs: AmiFields = [("Channel", cmd.channel), ("File", cmd.file)]
    if cmd.options:
        pairs.append(("options", cmd.options))  # spelled lower-case in Asterisk 22's docs
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
        case BlindTransfer(channel=channel, context=context, exten=exten):
            return "BlindTransfer", [("Channel", channel), ("Context", context), ("Exten", exten)]
        case Atxfer():
            return "Atxfer", _atxfer(cmd)
        case CancelAtxfer(channel=channel):
            return "CancelAtxfer", [("Channel", channel)]
        case MixMonitor():
            return "MixMonitor", _mixmonitor(cmd)
        case StopMixMonitor(channel=channel):
            return "StopMixMonitor", [("Channel", channel)]
        case Bridge(channel1=one, channel2=two, tone=tone):
            return "Bridge", [
                ("Channel1", one),
                ("Channel2", two),
                ("Tone", "Channel2" if tone else "no"),
            ]
    raise TypeError(f"not an AMI command: {cmd!r}")
