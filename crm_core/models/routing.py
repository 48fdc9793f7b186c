"""Tables for where calls come in and wait: hotlines (dialled numbers) and queues.

A hotline maps the dialled number (DNIS) to its name, brand, the IVR menu that answers it
and the time zone its business hours are read in (the hours themselves live in the menu
file). The ACD's routing rules themselves live in ``acd``.
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
    brand: Mapped[str] = mapped_column(String(128), default="", server_default="")
    ivr_menu: Mapped[str] = mapped_column(String(64), default="main", server_default="main")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Bumped by every update, so two admins editing one hotline notice each other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Queue(Base):
    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    required_skill: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
