"""Purchases: what a contact bought, when, for how much and where the record came from.

The dialer's "recent purchase" suppression reads the latest ``purchased_at`` of a contact
(``crm_core.campaign_facts``), through the index on (contact, time). Amounts are in minor
units of ``currency`` (cents), because SQLite has no exact decimal type.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime


class Purchase(Base):
    __tablename__ = "purchases"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        Index("ix_purchases_contact_id_purchased_at", "contact_id", "purchased_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A deleted contact's purchases go with it, like the rest of the record.
    contact_id: Mapped[int] = mapped_column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"))
    purchased_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: What was bought (a product name or code).
    item: Mapped[str] = mapped_column(String(256))
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    #: ISO 4217 code, upper case.
    currency: Mapped[str] = mapped_column(String(3))
    #: Where the record came from: "shop", "agent alice", "import".
    source: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
