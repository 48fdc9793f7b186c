"""Interaction segments, disposition codes, campaign state, hotline brand/menu/zone, versions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

Written out in full like 0001. New tables only, plus four columns on ``hotlines`` and a
``version`` on ``queues``, all arriving with server defaults, so existing rows keep their
data. The four disposition codes
the agent page has always offered are inserted, so wrap-ups from a database upgraded from
0003 keep being accepted once dispositions are checked against the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEGMENT_ENDS = "('completed', 'transferred', 'no_answer', 'rejected', 'caller_hung_up', 'failed')"
CATEGORIES = "('resolved', 'follow_up', 'escalated', 'sale', 'no_sale', 'not_reached', 'other')"
OUTCOMES = "('human', 'busy', 'no_answer', 'machine', 'failed')"
# code, label, category, requires_note: what agent.html offered before codes were a table.
PAGE_CODES = (
    ("resolved", "Resolved", "resolved", False),
    ("follow-up", "Follow-up", "follow_up", False),
    ("escalated", "Escalated", "escalated", False),
    ("no-action", "No action", "other", False),
)


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(column: str, table: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    parent = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{parent}", ondelete=ondelete
    )


def upgrade() -> None:
    _segments()
    _disposition_codes()
    _campaigns()
    _hotlines()


def _segments() -> None:
    op.create_table(
        "interaction_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=True),
        _ts("started_at"),
        _ts("answered_at", nullable=True),
        _ts("ended_at", nullable=True),
        sa.Column("ring_seconds", sa.Float(), nullable=True),
        sa.Column("talk_seconds", sa.Float(), nullable=True),
        sa.Column("hold_seconds", sa.Float(), server_default="0", nullable=False),
        sa.Column("wrap_up_seconds", sa.Float(), nullable=True),
        sa.Column("recording", sa.String(255), nullable=True),
        sa.Column("end_reason", sa.String(16), nullable=True),
        sa.CheckConstraint(
            f"end_reason IS NULL OR end_reason IN {SEGMENT_ENDS}",
            name="ck_interaction_segments_end_reason",
        ),
        sa.CheckConstraint(
            "(end_reason IS NULL) = (ended_at IS NULL)",
            name="ck_interaction_segments_ended_has_reason",
        ),
        sa.CheckConstraint("seq >= 1", name="ck_interaction_segments_seq_positive"),
        _fk("interaction_id", "interaction_segments", "interactions.id", "CASCADE"),
        _fk("agent_id", "interaction_segments", "agents.agent_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_interaction_segments"),
        sa.UniqueConstraint(
            "interaction_id", "seq", name="uq_interaction_segments_interaction_id_seq"
        ),
    )
    op.create_index(
        "ix_interaction_segments_agent_started",
        "interaction_segments",
        ["agent_id", "started_at"],
    )


def _disposition_codes() -> None:
    table = op.create_table(
        "disposition_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("label", sa.String(128), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("requires_note", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(f"category IN {CATEGORIES}", name="ck_disposition_codes_category"),
        sa.PrimaryKeyConstraint("id", name="pk_disposition_codes"),
        sa.UniqueConstraint("code", name="uq_disposition_codes_code"),
    )
    op.bulk_insert(
        table,
        [
            {"code": c, "label": lbl, "category": cat, "active": True, "requires_note": note}
            for c, lbl, cat, note in PAGE_CODES
        ],
    )


def _campaigns() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("queue", sa.String(64), nullable=False),
        sa.Column("caller_id", sa.String(32), nullable=False),
        sa.Column("abandon_cap_bp", sa.Integer(), nullable=False),
        sa.Column("window_start_minute", sa.Integer(), nullable=False),
        sa.Column("window_end_minute", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.String(7), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        _ts("starts_at", nullable=True),
        _ts("ends_at", nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "mode IN ('preview', 'progressive', 'predictive')", name="ck_campaigns_mode"
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'scheduled', 'running', 'paused', 'finished', 'stopped')",
            name="ck_campaigns_status",
        ),
        sa.CheckConstraint(
            "abandon_cap_bp BETWEEN 0 AND 10000", name="ck_campaigns_abandon_cap_range"
        ),
        sa.CheckConstraint(
            "window_start_minute >= 0 AND window_start_minute < window_end_minute"
            " AND window_end_minute <= 1440",
            name="ck_campaigns_window_range",
        ),
        sa.CheckConstraint("max_attempts >= 1", name="ck_campaigns_max_attempts_positive"),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
        sa.UniqueConstraint("name", name="uq_campaigns_name"),
    )
    op.create_table(
        "campaign_leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("alternates", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        _ts("next_attempt_at", nullable=True),
        _ts("last_attempt_at", nullable=True),
        sa.Column("last_outcome", sa.String(16), nullable=True),
        sa.Column("skip_reason", sa.Text(), server_default="", nullable=False),
        _ts("added_at"),
        sa.CheckConstraint(
            "state IN ('pending', 'dialing', 'done', 'exhausted', 'skipped')",
            name="ck_campaign_leads_state",
        ),
        sa.CheckConstraint(
            f"last_outcome IS NULL OR last_outcome IN {OUTCOMES}",
            name="ck_campaign_leads_last_outcome",
        ),
        _fk("campaign_id", "campaign_leads", "campaigns.id", "CASCADE"),
        _fk("contact_id", "campaign_leads", "contacts.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_leads"),
        sa.UniqueConstraint(
            "campaign_id", "contact_id", name="uq_campaign_leads_campaign_id_contact_id"
        ),
    )
    op.create_index(
        "ix_campaign_leads_campaign_state_next",
        "campaign_leads",
        ["campaign_id", "state", "next_attempt_at"],
    )
    op.create_index("ix_campaign_leads_contact_id", "campaign_leads", ["contact_id"])
    op.create_table(
        "campaign_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("call_id", sa.String(64), nullable=True),
        sa.Column("agent_id", sa.String(64), nullable=True),
        _ts("started_at"),
        _ts("answered_at", nullable=True),
        _ts("ended_at", nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("cause", sa.Integer(), nullable=True),
        sa.Column("amd_result", sa.String(16), nullable=True),
        sa.Column("abandoned", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            f"outcome IS NULL OR outcome IN {OUTCOMES}", name="ck_campaign_attempts_outcome"
        ),
        sa.CheckConstraint(
            "amd_result IS NULL OR amd_result IN ('human', 'machine', 'notsure', 'hangup')",
            name="ck_campaign_attempts_amd",
        ),
        sa.CheckConstraint(
            "(outcome IS NULL) = (ended_at IS NULL)",
            name="ck_campaign_attempts_ended_has_outcome",
        ),
        _fk("campaign_id", "campaign_attempts", "campaigns.id", "CASCADE"),
        _fk("lead_id", "campaign_attempts", "campaign_leads.id", "CASCADE"),
        _fk("agent_id", "campaign_attempts", "agents.agent_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_attempts"),
    )
    op.create_index("ix_campaign_attempts_lead_id_id", "campaign_attempts", ["lead_id", "id"])
    op.create_index(
        "ix_campaign_attempts_campaign_started", "campaign_attempts", ["campaign_id", "started_at"]
    )


def _hotlines() -> None:
    with op.batch_alter_table("hotlines") as batch:
        batch.add_column(sa.Column("brand", sa.String(128), server_default="", nullable=False))
        batch.add_column(
            sa.Column("ivr_menu", sa.String(64), server_default="main", nullable=False)
        )
        batch.add_column(sa.Column("timezone", sa.String(64), server_default="UTC", nullable=False))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("queues") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("queues") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("hotlines") as batch:
        for column in ("version", "timezone", "ivr_menu", "brand"):
            batch.drop_column(column)
    for table in (
        "campaign_attempts",
        "campaign_leads",
        "campaigns",
        "disposition_codes",
        "interaction_segments",
    ):
        op.drop_table(table)
