"""The pydantic shapes of what clients send: REST bodies and WebSocket commands.

Owns validation of input at the edge (lengths, required fields, known command types), so
the desk only ever sees clean strings. REST and WebSocket share the field types, so a
reason valid in one is valid in the other. Nothing here calls the desk.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

#: A not-ready reason code, e.g. ``Break``.
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
#: A wrap-up disposition, e.g. ``resolved``.
Disposition = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
#: Free-text wrap-up notes.
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
#: The id a client gives a command so it can match the reply.
ClientId = Annotated[str, StringConstraints(max_length=64)] | int


class _Strict(BaseModel):
    # An unknown field is a client bug worth reporting, not something to ignore.
    model_config = ConfigDict(extra="forbid", frozen=True)


class LoginBody(_Strict):
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class NotReadyBody(_Strict):
    reason: Reason


class WrapUpBody(_Strict):
    disposition: Disposition
    notes: Notes = ""


class MoveBody(_Strict):
    """A team lead moves a waiting call to another queue."""

    queue: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9_-]{1,64}$")]


class PriorityBody(_Strict):
    """A team lead's new priority for a waiting call (the tiers give 0..20; see
    callcenter/inbound.py ``TIER_PRIORITY``)."""

    priority: int = Field(ge=0, le=100, strict=True)


class ForceStateBody(_Strict):
    """A team lead puts an agent into a state; ``not_ready`` needs a reason."""

    state: Literal["ready", "not_ready", "signed_out"]
    reason: Reason | None = None

    @model_validator(mode="after")
    def _reason_for_not_ready(self) -> "ForceStateBody":
        if self.state == "not_ready" and not self.reason:
            raise ValueError("reason is required for not_ready")
        return self


class AutoAnswerBody(_Strict):
    auto_answer: bool = Field(strict=True)


class SuperviseBody(_Strict):
    """Listen, whisper or barge: the team lead's own phone (an extension) rings first."""

    mode: Literal["listen", "whisper", "barge"]
    phone: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{2,6}$")]


AgentName = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.@-]{1,150}$")
]
PhoneNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9]{3,20}$")]


class TransferBody(_Strict):
    """A blind transfer of the connected call: to a queue, a colleague or an outside number."""

    queue: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9_-]{1,64}$")]
        | None
    ) = None
    number: PhoneNumber | None = None
    agent_id: AgentName | None = None

    @model_validator(mode="after")
    def _exactly_one_target(self) -> "TransferBody":
        if [self.queue, self.number, self.agent_id].count(None) != 2:
            raise ValueError("give one of a queue, an agent_id or a number")
        return self


class ConsultBody(_Strict):
    """An attended transfer's target: exactly one of a colleague and a number."""

    agent_id: AgentName | None = None
    number: PhoneNumber | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "ConsultBody":
        if (self.agent_id is None) == (self.number is None):
            raise ValueError("give exactly one of agent_id and number")
        return self


class DialBody(_Strict):
    """Click-to-dial a number, or an internal call to a colleague: exactly one."""

    number: PhoneNumber | None = None
    agent_id: AgentName | None = None

    @model_validator(mode="after")
    def _exactly_one_target(self) -> "DialBody":
        if (self.number is None) == (self.agent_id is None):
            raise ValueError("give either a number or an agent_id")
        return self


class Command(_Strict):
    """Fields every WebSocket command has."""

    id: ClientId | None = None


class SignInCommand(Command):
    type: Literal["sign_in"]


class SignOutCommand(Command):
    type: Literal["sign_out"]


class ReadyCommand(Command):
    type: Literal["ready"]


class NotReadyCommand(Command):
    type: Literal["not_ready"]
    reason: Reason


class WrapUpCommand(Command):
    type: Literal["wrap_up"]
    disposition: Disposition
    notes: Notes = ""


class PingCommand(Command):
    type: Literal["ping"]


#: Command models by their ``type``; looked up before validating so an unknown type gets
#: a plain "unknown command type" instead of a union's list of every alternative.
COMMANDS: dict[str, type[Command]] = {
    "sign_in": SignInCommand,
    "sign_out": SignOutCommand,
    "ready": ReadyCommand,
    "not_ready": NotReadyCommand,
    "wrap_up": WrapUpCommand,
    "ping": PingCommand,
}
