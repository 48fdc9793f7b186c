"""Campaign lists: priority and quota per list, and the list each lead came in with.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

A new table and one nullable column on ``campaign_leads`` (existing leads belong to no list
and are dialed after every list, as before).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("priority", sa.Integer(), server_default="1", nullable=False),
        sa.Column("quota", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("priority >= 1", name="ck_campaign_lists_priority_positive"),
        sa.CheckConstraint(
            "quota IS NULL OR quota >= 0", name="ck_campaign_lists_quota_not_negative"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name="fk_campaign_lists_campaign_id_campaigns",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_lists"),
        sa.UniqueConstraint("campaign_id", "name", name="uq_campaign_lists_campaign_id_name"),
    )
    with op.batch_alter_table("campaign_leads") as batch:
        batch.add_column(sa.Column("list_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_campaign_leads_list_id_campaign_lists",
            "campaign_lists",
            ["list_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_campaign_leads_list_id", ["list_id"])


def downgrade() -> None:
    with op.batch_alter_table("campaign_leads") as batch:
        batch.drop_index("ix_campaign_leads_list_id")
        batch.drop_constraint("fk_campaign_leads_list_id_campaign_lists", type_="foreignkey")
        batch.drop_column("list_id")
    op.drop_table("campaign_lists")
