"""Request history, optimistic versions, customer value, follow-ups, do-not-call, email keys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Written out in full like 0001. Existing rows keep their data: new NOT NULL columns arrive
with a server default (version 1, value 0), and ``contact_emails.address_key`` is filled from
the address before it becomes NOT NULL. On SQLite the ALTERs run in batch mode (table copy),
with foreign keys off and checked before commit (see crm_core.db.migration_engine).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    _versions_and_value()
    _email_keys()
    _request_history()
    _follow_ups()
    _do_not_call()


def _versions_and_value() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("value_score", sa.Integer(), server_default="0", nullable=False))
        for name in ("current_value_cents", "potential_value_cents"):
            batch.add_column(sa.Column(name, sa.BigInteger(), server_default="0", nullable=False))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch.create_check_constraint(
            "ck_contacts_value_score_range", "value_score BETWEEN 0 AND 100"
        )
    with op.batch_alter_table("service_requests") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def _email_keys() -> None:
    with op.batch_alter_table("contact_emails") as batch:
        batch.add_column(sa.Column("address_key", sa.String(320), nullable=True))
    op.execute("UPDATE contact_emails SET address_key = lower(address)")
    with op.batch_alter_table("contact_emails") as batch:
        batch.alter_column("address_key", existing_type=sa.String(320), nullable=False)
        batch.create_index("ix_contact_emails_address_key", ["address_key"])


def _request_history() -> None:
    op.create_table(
        "service_request_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        _ts("at"),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("from_value", sa.String(64), nullable=True),
        sa.Column("to_value", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "field IN ('status', 'assignee', 'priority', 'due_at')",
            name="ck_service_request_history_field",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_requests.id"],
            name="fk_service_request_history_request_id_service_requests",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_service_request_history"),
    )
    op.create_index(
        "ix_service_request_history_request_id_id", "service_request_history", ["request_id", "id"]
    )


def _follow_ups() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("assignee", sa.String(64), nullable=True),
        sa.Column("subject", sa.String(256), nullable=False),
        _ts("due_at"),
        _ts("created_at"),
        sa.Column("created_by", sa.String(64), nullable=False),
        _ts("completed_at", nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('satisfied', 'unsatisfied', 'not_reached',"
            " 'declined', 'wrong_number')",
            name="ck_follow_ups_outcome",
        ),
        sa.CheckConstraint(
            "(outcome IS NULL) = (completed_at IS NULL)", name="ck_follow_ups_done_has_outcome"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_follow_ups_contact_id_contacts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_requests.id"],
            name="fk_follow_ups_request_id_service_requests",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assignee"],
            ["agents.agent_id"],
            name="fk_follow_ups_assignee_agents",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ups"),
    )
    op.create_index("ix_follow_ups_assignee_due_at", "follow_ups", ["assignee", "due_at"])
    op.create_index("ix_follow_ups_contact_id", "follow_ups", ["contact_id"])


def _do_not_call() -> None:
    op.create_table(
        "do_not_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        _ts("created_at"),
        _ts("expires_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_do_not_call"),
        sa.UniqueConstraint("e164", name="uq_do_not_call_e164"),
    )


def downgrade() -> None:
    op.drop_table("do_not_call")
    op.drop_table("follow_ups")
    op.drop_table("service_request_history")
    with op.batch_alter_table("contact_emails") as batch:
        batch.drop_index("ix_contact_emails_address_key")
        batch.drop_column("address_key")
    with op.batch_alter_table("service_requests") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_constraint("ck_contacts_value_score_range", type_="check")
        for name in ("version", "potential_value_cents", "current_value_cents", "value_score"):
            batch.drop_column(name)
