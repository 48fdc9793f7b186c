"""Initial schema: people, routing, contacts, service requests, interactions, ACD event log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Written out in full rather than derived from the models, so later model edits cannot change
what this step does. CHECK lists are literal for the same reason.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Service request numbers read out on the phone start here (see crm_core.service_requests).
FIRST_REQUEST_NUMBER = 10023


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _agent_fk(column: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["agents.agent_id"], name=f"fk_{table}_{column}_agents", ondelete=ondelete
    )


def upgrade() -> None:
    _people()
    _routing()
    _contacts()
    _contact_details()
    _service_requests()
    _counters()
    _interactions()
    _acd_events()


def _people() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _ts("created_at"),
        sa.CheckConstraint("role IN ('agent', 'supervisor', 'admin')", name="ck_users_role"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "agents",
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("extension", sa.String(16), nullable=False),
        sa.Column("endpoint", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["users.username"], name="fk_agents_agent_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("agent_id", name="pk_agents"),
        sa.UniqueConstraint("extension", name="uq_agents_extension"),
    )
    op.create_table(
        "agent_skills",
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 10", name="ck_agent_skills_level_range"),
        _agent_fk("agent_id", "agent_skills", "CASCADE"),
        sa.PrimaryKeyConstraint("agent_id", "skill", name="pk_agent_skills"),
    )


def _routing() -> None:
    op.create_table(
        "hotlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dnis", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hotlines"),
        sa.UniqueConstraint("dnis", name="uq_hotlines_dnis"),
    )
    op.create_table(
        "queues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("required_skill", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_queues"),
        sa.UniqueConstraint("name", name="uq_queues_name"),
    )


def _contacts() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(128), nullable=False),
        sa.Column("last_name", sa.String(128), nullable=False),
        sa.Column("organisation", sa.String(256), nullable=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("account_manager", sa.String(64), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.CheckConstraint(
            "tier IN ('none', 'bronze', 'silver', 'gold', 'platinum')", name="ck_contacts_tier"
        ),
        _agent_fk("account_manager", "contacts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_contacts"),
    )


def _contact_details() -> None:
    op.create_table(
        "contact_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("raw", sa.String(64), nullable=False),
        sa.Column("e164", sa.String(20), nullable=True),
        sa.Column("internal", sa.String(8), nullable=True),
        sa.CheckConstraint(
            "kind IN ('mobile', 'home', 'work', 'other')", name="ck_contact_phones_kind"
        ),
        sa.CheckConstraint(
            "e164 IS NULL OR internal IS NULL", name="ck_contact_phones_one_number_kind"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_contact_phones_contact_id_contacts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact_phones"),
    )
    op.create_index("ix_contact_phones_contact_id", "contact_phones", ["contact_id"])
    # The ANI lookup: an exact match on this index, never a suffix scan.
    op.create_index("ix_contact_phones_e164", "contact_phones", ["e164"])
    op.create_table(
        "contact_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_contact_emails_contact_id_contacts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact_emails"),
        sa.UniqueConstraint("contact_id", "address", name="uq_contact_emails_contact_id_address"),
    )


def _service_requests() -> None:
    op.create_table(
        "service_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(256), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        _ts("due_at", nullable=True),
        sa.Column("assignee", sa.String(64), nullable=True),
        _ts("opened_at"),
        _ts("updated_at"),
        sa.CheckConstraint(
            "priority IN ('low', 'normal', 'high', 'urgent')", name="ck_service_requests_priority"
        ),
        sa.CheckConstraint(
            "status IN ('new', 'assigned', 'in_progress', 'waiting_on_customer', 'resolved',"
            " 'closed')",
            name="ck_service_requests_status",
        ),
        _agent_fk("assignee", "service_requests", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_service_requests_contact_id_contacts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_service_requests"),
        sa.UniqueConstraint("number", name="uq_service_requests_number"),
    )
    op.create_index(
        "ix_service_requests_contact_status", "service_requests", ["contact_id", "status"]
    )


def _counters() -> None:
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )
    # The counter holds the last number handed out.
    op.bulk_insert(counters, [{"name": "service_request", "value": FIRST_REQUEST_NUMBER - 1}])


def _interactions() -> None:
    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("ani", sa.String(64), nullable=False),
        sa.Column("dnis", sa.String(64), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("ivr_path", sa.JSON(), nullable=False),
        sa.Column("ivr_choice", sa.String(64), nullable=True),
        sa.Column("queue", sa.String(64), nullable=True),
        sa.Column("agent_id", sa.String(64), nullable=True),
        _ts("started_at"),
        _ts("queued_at", nullable=True),
        _ts("answered_at", nullable=True),
        _ts("ended_at", nullable=True),
        sa.Column("wait_seconds", sa.Float(), nullable=True),
        sa.Column("talk_seconds", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("disposition", sa.String(64), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        _ts("wrapped_up_at", nullable=True),
        sa.CheckConstraint(
            "direction IN ('inbound', 'outbound')", name="ck_interactions_direction"
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('answered', 'abandoned_ivr', 'abandoned_queue',"
            " 'self_served', 'callback_requested', 'out_of_hours', 'no_answer', 'busy',"
            " 'failed', 'session_lost')",
            name="ck_interactions_outcome",
        ),
        _agent_fk("agent_id", "interactions", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_interactions_contact_id_contacts",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_interactions"),
        sa.UniqueConstraint("call_id", name="uq_interactions_call_id"),
    )
    op.create_index("ix_interactions_agent_id", "interactions", ["agent_id"])
    op.create_index("ix_interactions_contact_started", "interactions", ["contact_id", "started_at"])
    op.create_index("ix_interactions_started_at", "interactions", ["started_at"])


def _acd_events() -> None:
    op.create_table(
        "acd_events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        _ts("at"),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_acd_events"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_acd_events_at", "acd_events", ["at"])


def downgrade() -> None:
    for table in (
        "acd_events",
        "interactions",
        "counters",
        "service_requests",
        "contact_emails",
        "contact_phones",
        "contacts",
        "queues",
        "hotlines",
        "agent_skills",
        "agents",
        "users",
    ):
        op.drop_table(table)
