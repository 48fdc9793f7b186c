"""The tables of the history of contacts with the centre: one ``interactions`` row per call,
one ``interaction_segments`` row per agent leg of it, and the ``disposition_codes`` agents
choose from at wrap-up.

Keyed by our call id so recording the same call twice is detectable. ``queue`` is the queue's
name as text, not a foreign key: history must survive a queue being renamed or removed.
``interactions.disposition`` holds a code's text, not a foreign key, for the same reason (and
because rows written before codes existed hold free text).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime
from crm_core.vocabulary import Direction, DispositionCategory, Outcome, SegmentEnd, sql_in


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        CheckConstraint(f"direction IN {sql_in(Direction)}", name="direction"),
        CheckConstraint(f"outcome IS NULL OR outcome IN {sql_in(Outcome)}", name="outcome"),
        Index("ix_interactions_contact_started", "contact_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16), default="voice")
    ani: Mapped[str] = mapped_column(String(64), default="")
    dnis: Mapped[str] = mapped_column(String(64), default="")
    contact_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    ivr_path: Mapped[list[str]] = mapped_column(JSON, default=list)
    ivr_choice: Mapped[str | None] = mapped_column(String(64))
    queue: Mapped[str | None] = mapped_column(String(64))
    agent_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("agents.agent_id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    wait_seconds: Mapped[float | None] = mapped_column(Float)
    talk_seconds: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str | None] = mapped_column(String(32))
    disposition: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    wrapped_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The call ended while the AMI link was down (migration 0004 says what that implies).
    ended_during_link_loss: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class InteractionSegment(Base):
    """One agent leg of an interaction: from the agent's phone ringing to the leg's end.

    ``talk_seconds + hold_seconds`` is the time connected (answered → ended). Seconds stay
    NULL until known: ring at answer or end, talk at end, wrap-up when the agent finishes it.
    """

    __tablename__ = "interaction_segments"
    __table_args__ = (
        UniqueConstraint("interaction_id", "seq"),
        CheckConstraint(
            f"end_reason IS NULL OR end_reason IN {sql_in(SegmentEnd)}", name="end_reason"
        ),
        CheckConstraint("(end_reason IS NULL) = (ended_at IS NULL)", name="ended_has_reason"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        Index("ix_interaction_segments_agent_started", "agent_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("interactions.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)
    agent_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("agents.agent_id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ring_seconds: Mapped[float | None] = mapped_column(Float)
    talk_seconds: Mapped[float | None] = mapped_column(Float)
    hold_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    wrap_up_seconds: Mapped[float | None] = mapped_column(Float)
    recording: Mapped[str | None] = mapped_column(String(255))
    end_reason: Mapped[str | None] = mapped_column(String(16))


class DispositionCode(Base):
    """A wrap-up code agents may choose; retired codes stay (inactive) for old interactions."""

    __tablename__ = "disposition_codes"
    __table_args__ = (
        CheckConstraint(f"category IN {sql_in(DispositionCategory)}", name="category"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    requires_note: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
