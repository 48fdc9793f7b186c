"""Interactions of calls that ended while the AMI link was down.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

``ended_during_link_loss`` is true when the call ended while the AMI link was down: its
outcome is still what happened (abandoned in the queue, answered...), confirmed by the
resync after the reconnect, but the hang-up cause is unknown and, for a caller who left
the IVR or the queue, the end time is when the daemon found out. Reports can tell exact
figures from reconstructed ones.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(
            sa.Column(
                "ended_during_link_loss", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("ended_during_link_loss")
