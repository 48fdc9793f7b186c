"""Tables for where calls come in and wait: hotlines (dialled numbers) and queues.

Minimal for the walking skeleton; the ACD's routing rules themselves live in ``acd``.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base


class Hotline(Base):
    __tablename__ = "hotlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dnis: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(16), default="en")


class Queue(Base):
    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    required_skill: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
