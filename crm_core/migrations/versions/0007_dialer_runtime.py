"""Scheduled callbacks owned by one agent; a campaign's script and answering-machine message.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

``campaign_leads.callback_agent_id``: a disposition "call back at T, for me" makes the lead
due at T (``next_attempt_at``) and only this agent gets it; NULL is anyone's. No foreign
key: a departed agent's callbacks stay visible and the dialer reassigns nothing silently
(crm_core.campaign_callbacks checks the agent when the callback is scheduled).
``campaigns.script`` is what the agent's campaign pop shows; ``campaigns.machine_message`` the
prompt an answering machine is left ("" hangs up on machines). Both arrive empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign_leads") as batch:
        batch.add_column(sa.Column("callback_agent_id", sa.String(64), nullable=True))
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("script", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("machine_message", sa.String(128), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("machine_message")
        batch.drop_column("script")
    with op.batch_alter_table("campaign_leads") as batch:
        batch.drop_column("callback_agent_id")
