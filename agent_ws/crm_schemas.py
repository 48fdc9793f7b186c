"""The pydantic shapes of what clients send to the CRM's REST routes.

Owns validation of CRM input at the edge: lengths, closed sets (tiers, statuses, outcomes),
timezone-aware times, unknown fields refused. crm_core checks its own rules again (a name or
an organisation, dialable phones, an IANA zone); these models only keep garbage out so a
refusal names the field. Nothing here reads or writes the CRM.
"""

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from crm_core.vocabulary import (
    DispositionCategory,
    FollowUpOutcome,
    PhoneKind,
    Priority,
    RequestStatus,
    Role,
    Tier,
)


def _text(max_length: int, *, min_length: int = 0) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Name = Annotated[str, _text(128)]
Organisation = Annotated[str, _text(256)]
Language = Annotated[str, _text(16, min_length=1)]


def _iana_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone") from None
    return name


TimeZoneName = Annotated[str, _text(64, min_length=1), AfterValidator(_iana_zone)]
Username = Annotated[str, _text(64, min_length=1)]
Subject = Annotated[str, _text(200, min_length=1)]
Note = Annotated[str, StringConstraints(max_length=2000)]
LongText = Annotated[str, StringConstraints(max_length=100_000)]
PhoneText = Annotated[str, _text(40, min_length=1)]
Email = Annotated[str, _text(254), StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")]


class _Strict(BaseModel):
    # An unknown field is a client bug worth reporting, not something to ignore.
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhoneBody(_Strict):
    kind: PhoneKind = PhoneKind.MOBILE
    number: PhoneText


class ContactCreateBody(_Strict):
    """A new contact; it needs a first name, a last name or an organisation."""

    first_name: Name = ""
    last_name: Name = ""
    organisation: Organisation | None = None
    language: Language = "en"
    timezone: TimeZoneName | None = None
    notes: LongText = ""
    tier: Tier = Tier.NONE
    account_manager: Username | None = None
    phones: Annotated[list[PhoneBody], Field(max_length=20)] = []
    emails: Annotated[list[Email], Field(max_length=20)] = []

    @model_validator(mode="after")
    def _named(self) -> "ContactCreateBody":
        if not (self.first_name or self.last_name or self.organisation):
            raise ValueError("a contact needs a first_name, last_name or organisation")
        return self


class ContactPatchBody(_Strict):
    """The fields to change; fields left out keep their value, ``null`` clears the optional
    ones. The version it is based on comes in the ``If-Match`` header."""

    first_name: Name | None = None
    last_name: Name | None = None
    organisation: Organisation | None = None
    language: Language | None = None
    timezone: TimeZoneName | None = None
    notes: LongText | None = None
    tier: Tier | None = None
    account_manager: Username | None = None
    value_score: Annotated[int, Field(ge=0, le=100)] | None = None
    current_value_cents: Annotated[int, Field(ge=0)] | None = None
    potential_value_cents: Annotated[int, Field(ge=0)] | None = None
    #: Replace the contact's phone numbers or e-mail addresses as a whole list.
    phones: Annotated[list[PhoneBody], Field(max_length=20)] | None = None
    emails: Annotated[list[Email], Field(max_length=20)] | None = None


class RequestCreateBody(_Strict):
    contact_id: Annotated[int, Field(ge=1)]
    subject: Subject
    description: LongText = ""
    category: Annotated[str, _text(64, min_length=1)] = "general"
    priority: Priority = Priority.NORMAL
    due_at: AwareDatetime | None = None


class RequestPatchBody(_Strict):
    """The fields to change; ``due_at: null`` clears the SLA due time. Needs ``If-Match``.
    Priority and due time changes enter the request's history, with ``note``."""

    subject: Subject | None = None
    description: LongText | None = None
    category: Annotated[str, _text(64, min_length=1)] | None = None
    priority: Priority | None = None
    due_at: AwareDatetime | None = None
    note: Note = ""


class StatusBody(_Strict):
    status: RequestStatus
    note: Note = ""


class AssignBody(_Strict):
    assignee: Username
    note: Note = ""


class FollowUpCreateBody(_Strict):
    """``assignee`` defaults to the logged-in user."""

    contact_id: Annotated[int, Field(ge=1)]
    subject: Subject
    due_at: AwareDatetime
    assignee: Username | None = None
    request_number: Annotated[int, Field(ge=1)] | None = None


class FollowUpCompleteBody(_Strict):
    outcome: FollowUpOutcome
    note: Note = ""


class DoNotCallBody(_Strict):
    """``expires_at`` null keeps the number listed for good."""

    number: PhoneText
    reason: Annotated[str, _text(500)] = ""
    source: Annotated[str, _text(64, min_length=1)]
    expires_at: AwareDatetime | None = None


DispositionCodeText = Annotated[
    str, _text(64, min_length=1), StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
]
Label = Annotated[str, _text(128, min_length=1)]


class DispositionCodeBody(_Strict):
    """A new wrap-up code: lower-case words joined by - or _ (``callback-scheduled``)."""

    code: DispositionCodeText
    label: Label
    category: DispositionCategory
    requires_note: bool = False


class DispositionCodePatchBody(_Strict):
    """The fields to change; the code itself is the key. Needs ``If-Match``."""

    label: Label | None = None
    category: DispositionCategory | None = None
    active: bool | None = None
    requires_note: bool | None = None


Dnis = Annotated[str, _text(32, min_length=1), StringConstraints(pattern=r"^\+?\d{1,31}$")]
MenuName = Annotated[str, _text(64, min_length=1), StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")]


class HotlineBody(_Strict):
    """A dialled number (DNIS) and how it is answered: its IVR menu, read in its time zone."""

    dnis: Dnis
    name: Label
    language: Language = "en"
    brand: Annotated[str, _text(128)] = ""
    ivr_menu: MenuName = "main"
    timezone: TimeZoneName = "UTC"


class HotlinePatchBody(_Strict):
    """The fields to change; the DNIS is the key. Needs ``If-Match``."""

    name: Label | None = None
    language: Language | None = None
    brand: Annotated[str, _text(128)] | None = None
    ivr_menu: MenuName | None = None
    timezone: TimeZoneName | None = None


QueueKey = Annotated[str, _text(64, min_length=1), StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")]
Skill = Annotated[str, _text(64, min_length=1)]
Description = Annotated[str, StringConstraints(max_length=2000)]


class QueueBody(_Strict):
    """A queue and the skill its agents need (the daemon reads queues at start)."""

    name: QueueKey
    required_skill: Skill
    description: Description = ""


class QueuePatchBody(_Strict):
    """The fields to change; the name is the key. Needs ``If-Match``."""

    required_skill: Skill | None = None
    description: Description | None = None


Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
Skills = Annotated[
    dict[Annotated[str, _text(64, min_length=1)], Annotated[int, Field(ge=1, le=10)]],
    Field(max_length=50),
]
Extension = Annotated[str, StringConstraints(pattern=r"^\d{2,8}$")]
Endpoint = Annotated[str, _text(128, min_length=1)]


class UserBody(_Strict):
    username: Annotated[str, _text(64, min_length=1), StringConstraints(pattern=r"^[a-z0-9._-]+$")]
    display_name: Label
    role: Role
    password: Password


class UserPatchBody(_Strict):
    """The fields to change; a new ``password`` is hashed, ``active: false`` locks the user
    out (and takes an agent off the ACD's list)."""

    display_name: Label | None = None
    role: Role | None = None
    active: bool | None = None
    password: Password | None = None


class AgentBody(_Strict):
    """Make an existing user an agent; ``endpoint`` defaults to ``PJSIP/<extension>``."""

    agent_id: Username
    extension: Extension
    endpoint: Endpoint | None = None
    skills: Skills = {}


class AgentPatchBody(_Strict):
    """The phone and/or the whole set of skills (levels 1..10)."""

    extension: Extension | None = None
    endpoint: Endpoint | None = None
    skills: Skills | None = None
