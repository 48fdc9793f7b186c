"""Tables for customers: contacts, their phone numbers and e-mail addresses.

``contact_phones.e164`` is the column ANI matching looks up, through its index; internal
extensions (an agent's "1001") are stored in ``internal`` with ``e164`` NULL so they can never
match an outside caller.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_core.models.base import Base, UtcDateTime, utc_now
from crm_core.vocabulary import PhoneKind, Tier, sql_in


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint(f"tier IN {sql_in(Tier)}", name="tier"),
        CheckConstraint("value_score BETWEEN 0 AND 100", name="value_score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str] = mapped_column(String(128), default="")
    organisation: Mapped[str | None] = mapped_column(String(256))
    language: Mapped[str] = mapped_column(String(16), default="en")
    timezone: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    tier: Mapped[str] = mapped_column(String(16), default=Tier.NONE.value)
    account_manager: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("agents.agent_id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # Customer value: the score (0..100) and its inputs, in the currency's minor units
    # (integers, because SQLite has no exact decimal type).
    value_score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    current_value_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    potential_value_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Bumped by every update, so two agents editing one contact never overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    phones: Mapped[list[ContactPhone]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )
    emails: Mapped[list[ContactEmail]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )


class ContactPhone(Base):
    __tablename__ = "contact_phones"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(PhoneKind)}", name="kind"),
        CheckConstraint("e164 IS NULL OR internal IS NULL", name="one_number_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    raw: Mapped[str] = mapped_column(String(64))
    e164: Mapped[str | None] = mapped_column(String(20), index=True)
    internal: Mapped[str | None] = mapped_column(String(8))


class ContactEmail(Base):
    __tablename__ = "contact_emails"
    __table_args__ = (UniqueConstraint("contact_id", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(320))
    # The address lower-cased, for case-insensitive search through an index.
    address_key: Mapped[str] = mapped_column(String(320), index=True)
