"""Tables for reaching out again: follow-up tasks (回访) and the do-not-call list.

``do_not_call.e164`` is unique and indexed: the dialer asks about every number it would dial.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime
from crm_core.vocabulary import FollowUpOutcome, sql_in


class FollowUp(Base):
    """A task to contact a customer again by ``due_at``; done once it has an outcome."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        CheckConstraint(f"outcome IS NULL OR outcome IN {sql_in(FollowUpOutcome)}", name="outcome"),
        CheckConstraint("(outcome IS NULL) = (completed_at IS NULL)", name="done_has_outcome"),
        Index("ix_follow_ups_assignee_due_at", "assignee", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("service_requests.id", ondelete="SET NULL")
    )
    assignee: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("agents.agent_id", ondelete="SET NULL")
    )
    subject: Mapped[str] = mapped_column(String(256))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_note: Mapped[str] = mapped_column(Text, default="")


class DoNotCallEntry(Base):
    """A number not to call (until ``expires_at``, if set), why, and who said so."""

    __tablename__ = "do_not_call"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    e164: Mapped[str] = mapped_column(String(20), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
