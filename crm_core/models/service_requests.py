"""Tables for customers' service requests (tickets) and the counters that number them.

``number`` is the human-friendly id read out on the phone ("request 10023"); ``id`` stays the
internal key. Numbers come from ``counters`` with one atomic UPDATE … RETURNING, which is safe
under concurrency on both SQLite and PostgreSQL without a table scan for the maximum.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime, utc_now
from crm_core.vocabulary import Priority, RequestField, RequestStatus, sql_in


class ServiceRequest(Base):
    __tablename__ = "service_requests"
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(RequestStatus)}", name="status"),
        CheckConstraint(f"priority IN {sql_in(Priority)}", name="priority"),
        Index("ix_service_requests_contact_status", "contact_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    contact_id: Mapped[int] = mapped_column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(64), default="general")
    priority: Mapped[str] = mapped_column(String(16), default=Priority.NORMAL.value)
    status: Mapped[str] = mapped_column(String(32), default=RequestStatus.NEW.value)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    assignee: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("agents.agent_id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # Bumped by every change, so two agents editing one request notice each other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class ServiceRequestChange(Base):
    """One line of a request's history: who changed which field from what to what, and why.

    ``actor`` is plain text (a username or "system"), not a foreign key: history must outlive
    the people in it. Values are stored as text: a status, a username, an ISO timestamp.
    """

    __tablename__ = "service_request_history"
    __table_args__ = (
        CheckConstraint(f"field IN {sql_in(RequestField)}", name="field"),
        Index("ix_service_request_history_request_id_id", "request_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("service_requests.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(16))
    from_value: Mapped[str | None] = mapped_column(String(64))
    to_value: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")


class Counter(Base):
    """A named monotonically increasing number; the migration creates the rows it needs."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
