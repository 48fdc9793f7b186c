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
