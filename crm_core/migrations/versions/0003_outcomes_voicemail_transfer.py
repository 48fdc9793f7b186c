"""Interaction outcomes for calls the IVR ends without a queue: voicemail, transferred out.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Only the CHECK constraint on ``interactions.outcome`` changes (rebuilt in batch mode on
SQLite); no row needs touching, since the new values are new.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
    "answered", "abandoned_ivr", "abandoned_queue", "self_served", "callback_requested",
    "out_of_hours", "no_answer", "busy", "failed", "session_lost",
)  # fmt: skip
AFTER = (*BEFORE, "voicemail", "transferred_out")


def _check(values: Sequence[str]) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    return f"outcome IS NULL OR outcome IN ({listed})"


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_constraint("ck_interactions_outcome", type_="check")
        batch.create_check_constraint("ck_interactions_outcome", _check(AFTER))


def downgrade() -> None:
    op.execute(
        "UPDATE interactions SET outcome = 'self_served'"
        " WHERE outcome IN ('voicemail', 'transferred_out')"
    )
    with op.batch_alter_table("interactions") as batch:
        batch.drop_constraint("ck_interactions_outcome", type_="check")
        batch.create_check_constraint("ck_interactions_outcome", _check(BEFORE))
