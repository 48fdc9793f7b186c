"""The pydantic shapes of what clients send to the CRM's campaign routes.

Owns validation of campaign input at the edge: the mode and actions as closed sets, the
call window as ``"HH:MM"`` local times (``"24:00"`` for the end of the day) and weekdays
0 (Monday) .. 6, the abandon cap in percent (rounded to 0.01), the retry rule of each retried
outcome (delay in seconds, a cap on attempts ending that way) and the suppression periods in
days. crm_core checks its own rules again (an existing queue, an IANA zone, a window that opens
before it closes, the same bounds).
"""

from datetime import time
from fractions import Fraction
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from crm_core.campaign_rules import MAX_PER_OUTCOME, MAX_RETRY_DELAY_S, MAX_SUPPRESS_DAYS, RetrySpec
from crm_core.campaigns import CallWindowSpec
from crm_core.vocabulary import AttemptOutcome, Tier, ValueBand
from dialer.campaign import CampaignAction
from dialer.pacing import Mode

from .crm_schemas import Label, TimeZoneName

Clock = Annotated[str, StringConstraints(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")]
Weekdays = Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(min_length=1, max_length=7)]
CallerId = Annotated[str, StringConstraints(pattern=r"^\+?\d{3,20}$")]
QueueName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Percent = Annotated[float, Field(ge=0, le=100)]
#: What the agent's campaign pop shows; the prompt left on machines ("" hangs up).
Script = Annotated[str, StringConstraints(max_length=10_000)]
PromptName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_/-]{0,128}$")]
ContactedDays = Annotated[
    int,
    Field(
        ge=0,
        le=MAX_SUPPRESS_DAYS,
        description="Skip a lead whose contact had an interaction within this many days"
        " (0: rule off).",
    ),
]
PurchasedDays = Annotated[
    int,
    Field(
        ge=0,
        le=MAX_SUPPRESS_DAYS,
        description="Skip a lead whose contact bought something within this many days"
        " (0: rule off).",
    ),
]


def clock_time(text: str) -> time:
    """``"HH:MM"`` as a ``time``; ``"24:00"`` is the end of the day (``time.max``)."""
    if text == "24:00":
        return time.max
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def cap_fraction(percent: float) -> Fraction:
    """A percentage rounded to 0.01 as an exact fraction (3 → 3/100)."""
    return Fraction(round(percent * 100), 10_000)


class _Strict(BaseModel):
    # An unknown field is a client bug worth reporting, not something to ignore.
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Window(_Strict):
    window_start: Clock | None = None
    window_end: Clock | None = None
    weekdays: Weekdays | None = None

    def window(self, base: CallWindowSpec) -> CallWindowSpec:
        """``base`` with the parts this body sets."""
        return CallWindowSpec(
            start=base.start if self.window_start is None else clock_time(self.window_start),
            end=base.end if self.window_end is None else clock_time(self.window_end),
            weekdays=base.weekdays if self.weekdays is None else frozenset(self.weekdays),
        )


class RetryRuleBody(_Strict):
    """What follows an attempt that ended one way."""

    delay_seconds: Annotated[
        int,
        Field(
            ge=0,
            le=MAX_RETRY_DELAY_S,
            description="Seconds before the lead is dialed again (at most 30 days).",
        ),
    ]
    max_attempts: Annotated[
        int,
        Field(
            ge=1,
            le=MAX_PER_OUTCOME,
            description="At most this many attempts of a lead may end this way;"
            " 1: the lead is not retried after it.",
        ),
    ]


class RetriesBody(_Strict):
    """The retry rule per outcome; an outcome left out keeps its current (or default) rule.
    A person answering (``human``) ends the lead and has no rule."""

    busy: RetryRuleBody | None = None
    no_answer: RetryRuleBody | None = None
    machine: RetryRuleBody | None = None
    failed: RetryRuleBody | None = None

    def specs(self) -> dict[AttemptOutcome, RetrySpec]:
        """crm_core's rules for the outcomes this body names."""
        return {
            AttemptOutcome(name): RetrySpec(rule.delay_seconds, rule.max_attempts)
            for name in ("busy", "no_answer", "machine", "failed")
            if (rule := getattr(self, name)) is not None
        }


class CampaignCreateBody(_Window):
    """A new campaign (a draft). The window defaults to 09:00-20:00, Monday to Friday."""

    name: Label
    mode: Mode
    queue: QueueName
    caller_id: CallerId
    abandon_cap_percent: Percent = 3.0
    timezone: TimeZoneName | None = None
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 5
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    script: Script = ""
    machine_message: PromptName = ""
    retries: RetriesBody | None = None
    contacted_within_days: ContactedDays = 7
    purchased_within_days: PurchasedDays = 30


class CampaignPatchBody(_Window):
    """Settings to change (a draft only). Needs ``If-Match``."""

    name: Label | None = None
    mode: Mode | None = None
    queue: QueueName | None = None
    caller_id: CallerId | None = None
    abandon_cap_percent: Percent | None = None
    timezone: TimeZoneName | None = None
    max_attempts: Annotated[int, Field(ge=1, le=100)] | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    script: Script | None = None
    machine_message: PromptName | None = None
    retries: RetriesBody | None = None
    contacted_within_days: ContactedDays | None = None
    purchased_within_days: PurchasedDays | None = None


class CampaignActionBody(_Strict):
    """A life-cycle move: schedule, unschedule, start, pause, resume, finish or stop."""

    action: CampaignAction


class LeadsBody(_Strict):
    """Either ``contact_ids``, or a segment of the value pyramid (``tier`` and/or ``band``)."""

    contact_ids: Annotated[list[Annotated[int, Field(ge=1)]], Field(max_length=10_000)] | None = (
        None
    )
    tier: Tier | None = None
    band: ValueBand | None = None
    limit: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    #: The campaign's list the leads join (see ``POST …/lists``).
    list_id: Annotated[int, Field(ge=1, le=2**62)] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "LeadsBody":
        segment = self.tier is not None or self.band is not None
        if (self.contact_ids is not None) == segment:
            raise ValueError("send contact_ids, or a tier and/or band, not both")
        return self


class ListBody(_Strict):
    """A new list of the campaign: dialed by ``priority`` (1 first), at most ``quota`` dials."""

    name: Label
    priority: Annotated[int, Field(ge=1, le=1000)] = 1
    quota: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
