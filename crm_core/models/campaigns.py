"""Tables of outbound campaigns: the campaign, its list of leads, and every dial attempt.

Shaped on ``dialer``'s pure core so its shell can persist what the core decides: the mode
(``dialer.pacing.Mode``), the life-cycle state (``dialer.campaign.CampaignState``), the call
window (``dialer.windows.CallWindow``: local start and end minute, weekdays), the abandon cap
(``dialer.abandon``; basis points, because SQLite has no exact decimal type), the retry
outcomes (``dialer.retries.Outcome``). ``queue`` is the queue's name as text, like
``interactions.queue``. A lead holds the numbers to try, primary first (E.164).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime
from crm_core.vocabulary import (
    AmdResult,
    AttemptOutcome,
    CampaignMode,
    CampaignStatus,
    LeadState,
    sql_in,
)

#: The outcomes a campaign sets a retry rule for (``human`` ends a lead: no rule).
RETRIED = ("busy", "no_answer", "machine", "failed")
#: The longest retry delay a campaign may set: 30 days, in seconds.
MAX_RETRY_DELAY_S = 30 * 86_400
#: The longest suppression period a campaign may set, in days.
MAX_SUPPRESS_DAYS = 3650


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(f"mode IN {sql_in(CampaignMode)}", name="mode"),
        CheckConstraint(f"status IN {sql_in(CampaignStatus)}", name="status"),
        CheckConstraint("abandon_cap_bp BETWEEN 0 AND 10000", name="abandon_cap_range"),
        CheckConstraint(
            "window_start_minute >= 0 AND window_start_minute < window_end_minute"
            " AND window_end_minute <= 1440",
            name="window_range",
        ),
        CheckConstraint("max_attempts >= 1", name="max_attempts_positive"),
        *(
            CheckConstraint(
                f"retry_{o}_delay_s BETWEEN 0 AND {MAX_RETRY_DELAY_S}"
                f" AND retry_{o}_max BETWEEN 1 AND 100",
                name=f"retry_{o}_range",
            )
            for o in RETRIED
        ),
        CheckConstraint(
            f"contacted_within_days BETWEEN 0 AND {MAX_SUPPRESS_DAYS}"
            f" AND purchased_within_days BETWEEN 0 AND {MAX_SUPPRESS_DAYS}",
            name="suppression_days_range",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    queue: Mapped[str] = mapped_column(String(64))
    caller_id: Mapped[str] = mapped_column(String(32))
    abandon_cap_bp: Mapped[int] = mapped_column(Integer)
    #: Local time of day in the lead's zone, minutes after midnight (end exclusive).
    window_start_minute: Mapped[int] = mapped_column(Integer)
    window_end_minute: Mapped[int] = mapped_column(Integer)
    #: Weekdays the window opens, as digits 0 (Monday) .. 6 (Sunday), e.g. "01234".
    window_days: Mapped[str] = mapped_column(String(7))
    #: The zone a lead is called in when its contact has none.
    timezone: Mapped[str | None] = mapped_column(String(64))
    max_attempts: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: Shown on the agent's campaign pop.
    script: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The prompt left on an answering machine ("": the dialer hangs up on machines).
    machine_message: Mapped[str] = mapped_column(String(128), default="", server_default="")
    # Retry rules per outcome (``dialer.retries.RetryRule``): seconds to wait after an attempt
    # ending that way, and how many attempts of a lead may end that way (1: never retried).
    # Server defaults are dialer.retries' defaults, so campaigns from before 0009 keep them.
    retry_busy_delay_s: Mapped[int] = mapped_column(Integer, default=600, server_default="600")
    retry_busy_max: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    retry_no_answer_delay_s: Mapped[int] = mapped_column(
        Integer, default=7200, server_default="7200"
    )
    retry_no_answer_max: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    retry_machine_delay_s: Mapped[int] = mapped_column(
        Integer, default=14400, server_default="14400"
    )
    retry_machine_max: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    retry_failed_delay_s: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    retry_failed_max: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    #: Suppression (``dialer.compliance.ComplianceRules``), in days; 0 turns the rule off.
    contacted_within_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    purchased_within_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")


class CampaignList(Base):
    """One list of a campaign's leads: dialed by ``priority`` (1 first), within ``quota``
    dials (``None``: no limit); same-priority lists share dials by yield (``dialer.lists``)."""

    __tablename__ = "campaign_lists"
    __table_args__ = (
        UniqueConstraint("campaign_id", "name"),
        CheckConstraint("priority >= 1", name="priority_positive"),
        CheckConstraint("quota IS NULL OR quota >= 0", name="quota_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(128))
    priority: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    quota: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CampaignLead(Base):
    __tablename__ = "campaign_leads"
    __table_args__ = (
        UniqueConstraint("campaign_id", "contact_id"),
        CheckConstraint(f"state IN {sql_in(LeadState)}", name="state"),
        CheckConstraint(
            f"last_outcome IS NULL OR last_outcome IN {sql_in(AttemptOutcome)}",
            name="last_outcome",
        ),
        Index("ix_campaign_leads_campaign_state_next", "campaign_id", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    # A contact who is deleted leaves every list: nobody should be dialled from a stale copy.
    contact_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    #: The list the lead came in with (``None``: added before lists, or to no list).
    list_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("campaign_lists.id", ondelete="SET NULL"), index=True
    )
    phone: Mapped[str] = mapped_column(String(20))
    alternates: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_outcome: Mapped[str | None] = mapped_column(String(16))
    skip_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: A scheduled callback only this agent gets (NULL: anyone's, or no callback).
    callback_agent_id: Mapped[str | None] = mapped_column(String(64))


class CampaignAttempt(Base):
    """One dial of a lead; ``outcome`` stays NULL while the call is in flight."""

    __tablename__ = "campaign_attempts"
    __table_args__ = (
        CheckConstraint(f"outcome IS NULL OR outcome IN {sql_in(AttemptOutcome)}", name="outcome"),
        CheckConstraint(f"amd_result IS NULL OR amd_result IN {sql_in(AmdResult)}", name="amd"),
        CheckConstraint("(outcome IS NULL) = (ended_at IS NULL)", name="ended_has_outcome"),
        Index("ix_campaign_attempts_lead_id_id", "lead_id", "id"),
        Index("ix_campaign_attempts_campaign_started", "campaign_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Denormalised from the lead: the abandon ledger and progress read one campaign's attempts.
    campaign_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    lead_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("campaign_leads.id", ondelete="CASCADE")
    )
    attempt_no: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    call_id: Mapped[str | None] = mapped_column(String(64))
    agent_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("agents.agent_id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
    #: The Q.850 hangup cause the PBX reported (16 normal clearing, 17 busy, …).
    cause: Mapped[int | None] = mapped_column(Integer)
    amd_result: Mapped[str | None] = mapped_column(String(16))
    #: A person answered and no agent was connected in time (the abandon ledger counts it).
    abandoned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
