"""Typed errors of the PBX link that callers of ``cti`` may catch.

Owns: the exception hierarchy shared by the AMI client, the FastAGI server and
the command side. Must not import anything else of ours.
"""


class PbxError(Exception):
    """Base class of every error raised by ``cti``."""


class ChannelGone(PbxError):
    """The channel behind a FastAGI session hung up or the peer disappeared.

    Raised by an AGI command when Asterisk answered ``511`` (dead channel), when
    the socket closed mid-command, or when the command's reply shows a hangup.
    It is not proof the *caller* hung up: only the AMI ``Hangup`` event is.
    """


class AgiCommandError(PbxError):
    """Asterisk refused an AGI command: ``510`` (invalid) or ``520`` (usage)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


class PbxTimeout(PbxError):
    """An AMI action or an AGI command got no reply within its deadline."""


class ActionFailed(PbxError):
    """An AMI action was answered with ``Response: Error``."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(f"{action}: {message}")
        self.action = action
        self.message = message


class LinkDown(PbxError):
    """The AMI connection is not established (or was lost while waiting)."""


class AuthenticationFailed(PbxError):
    """Asterisk rejected the AMI login."""


#: ``OriginateResponse`` ``Reason``: the last control frame Asterisk saw while dialing
#: (``__ast_request_and_dial`` in main/channel.c, Asterisk 22; 4 = answered is success).
ORIGINATE_REASONS = {
    0: "failed: no such channel or extension",
    1: "hung up or unreachable",
    3: "rang without answer",
    5: "busy",
    8: "congestion",
}


class OriginateFailed(PbxError):
    """An asynchronous ``Originate`` ended with ``OriginateResponse: Failure``."""

    def __init__(self, reason_code: int, channel: str) -> None:
        self.reason_code = reason_code
        self.reason = ORIGINATE_REASONS.get(reason_code, f"unknown reason {reason_code}")
        self.channel = channel
        super().__init__(f"Originate {channel}: {self.reason} (reason {reason_code})")


class ChannelNotFound(ActionFailed):
    """An action named a channel Asterisk does not have (it hung up, or never existed).

    Asterisk 22 words it per action (main/manager.c): ``No such channel`` (Hangup,
    Getvar, Setvar, BlindTransfer, Atxfer, MixMonitor), ``Channel does not exist: <name>``
    and ``ExtraChannel does not exist: <name>`` (Redirect), ``Channel1 does not exist:
    <name>`` (Bridge).
    """


def is_missing_channel(message: str) -> bool:
    return message.startswith("No such channel") or " does not exist" in message
