"""Campaigns' retry rules per outcome and suppression periods; the purchases table.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26

Each campaign gets a delay (seconds) and a cap on attempts per retried outcome (busy, no
answer, machine, failed) and the "contacted within" / "purchased within" periods (days, 0:
off). The server defaults are what the dialer applied before (``dialer.retries`` and
``dialer.compliance`` defaults), so existing campaigns keep dialing as they did. Purchases
arrive empty: "recent purchase" suppresses once purchases are recorded.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (outcome, delay in seconds, max attempts ending that way) as dialer.retries had them.
RETRY_DEFAULTS = (("busy", 600, 3), ("no_answer", 7200, 3), ("machine", 14400, 2),
                  ("failed", 60, 2))  # fmt: skip
MAX_RETRY_DELAY_S = 30 * 86_400
MAX_SUPPRESS_DAYS = 3650


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        for outcome, delay, most in RETRY_DEFAULTS:
            batch.add_column(
                sa.Column(
                    f"retry_{outcome}_delay_s",
                    sa.Integer(),
                    nullable=False,
                    server_default=str(delay),
                )
            )
            batch.add_column(
                sa.Column(
                    f"retry_{outcome}_max", sa.Integer(), nullable=False, server_default=str(most)
                )
            )
            batch.create_check_constraint(
                f"ck_campaigns_retry_{outcome}_range",
                f"retry_{outcome}_delay_s BETWEEN 0 AND {MAX_RETRY_DELAY_S}"
                f" AND retry_{outcome}_max BETWEEN 1 AND 100",
            )
        batch.add_column(
            sa.Column("contacted_within_days", sa.Integer(), nullable=False, server_default="7")
        )
        batch.add_column(
            sa.Column("purchased_within_days", sa.Integer(), nullable=False, server_default="30")
        )
        batch.create_check_constraint(
            "ck_campaigns_suppression_days_range",
            f"contacted_within_days BETWEEN 0 AND {MAX_SUPPRESS_DAYS}"
            f" AND purchased_within_days BETWEEN 0 AND {MAX_SUPPRESS_DAYS}",
        )
    op.create_table(
        "purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("purchased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("item", sa.String(256), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor >= 0", name="ck_purchases_amount_not_negative"),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_purchases_contact_id_contacts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_purchases"),
    )
    op.create_index(
        "ix_purchases_contact_id_purchased_at", "purchases", ["contact_id", "purchased_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_purchases_contact_id_purchased_at", table_name="purchases")
    op.drop_table("purchases")
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_constraint("ck_campaigns_suppression_days_range", type_="check")
        batch.drop_column("purchased_within_days")
        batch.drop_column("contacted_within_days")
        for outcome, _, _ in reversed(RETRY_DEFAULTS):
            batch.drop_constraint(f"ck_campaigns_retry_{outcome}_range", type_="check")
            batch.drop_column(f"retry_{outcome}_max")
            batch.drop_column(f"retry_{outcome}_delay_s")
