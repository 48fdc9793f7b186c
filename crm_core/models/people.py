"""Tables for the people who work in the centre: users (login, role) and agents (phone, skills).

An agent is a user who takes calls: ``agents.agent_id`` is the user's username, so the ids the
ACD, the browser tab and the CRM use are one and the same.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_core.models.base import Base, UtcDateTime, utc_now
from crm_core.vocabulary import Role, sql_in


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {sql_in(Role)}", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Agent(Base):
    __tablename__ = "agents"

    agent_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("users.username", ondelete="CASCADE"), primary_key=True
    )
    extension: Mapped[str] = mapped_column(String(16), unique=True)
    endpoint: Mapped[str] = mapped_column(String(128))
    #: The ACD's dial of this agent's phone asks it to answer at once (Call-Info header).
    auto_answer: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    # lazy="raise": an async session cannot lazy-load, so forgetting selectinload fails loudly.
    skills: Mapped[list[AgentSkill]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )


class AgentSkill(Base):
    __tablename__ = "agent_skills"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 10", name="level_range"),)

    agent_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("agents.agent_id", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
