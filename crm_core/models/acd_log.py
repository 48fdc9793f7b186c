"""The ACD's append-only event log table (minimal for now: the ACD owns what goes in it).

``seq`` is never reused (SQLite AUTOINCREMENT, a PostgreSQL identity) so a replay can resume
after the last sequence number it saw, even if old events were pruned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime


class AcdEvent(Base):
    __tablename__ = "acd_events"
    __table_args__ = ({"sqlite_autoincrement": True},)

    # Plain INTEGER on SQLite: only that type makes the column the rowid, which AUTOINCREMENT
    # needs; BIGINT elsewhere because the log grows without bound.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
