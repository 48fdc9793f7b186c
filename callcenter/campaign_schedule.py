"""Campaign schedules, applied: a scheduled campaign starts when its start time comes, a
running or paused one finishes at its end time (``dialer.campaign.scheduled_move`` decides;
the move is stored under the version read, so a supervisor's change meanwhile wins)."""

import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from crm_core.errors import CrmError
from dialer.campaign import CampaignState, scheduled_move

if TYPE_CHECKING:
    from callcenter.campaign_runtime import CampaignRuntime

log = logging.getLogger(__name__)


async def follow_schedule(runtime: "CampaignRuntime") -> None:
    """Start scheduled campaigns whose start time came; finish those whose end came."""
    now = runtime.clock.now()
    try:
        for campaign in await runtime.store.all_campaigns():
            starts, ends = campaign.starts_at, campaign.ends_at
            move = scheduled_move(
                CampaignState(campaign.status.value),
                None if starts is None else starts.timestamp(),
                None if ends is None else ends.timestamp(),
                now,
            )
            if move is not None:
                status = await runtime.store.move(campaign, move, now)
                log.info("campaign %s: %s by its schedule", campaign.campaign_id, status)
                runtime.campaign_moved(campaign.campaign_id, status)
    except (CrmError, SQLAlchemyError) as exc:
        # Tried again at the next tick: a busy or briefly unreachable database must not end
        # the runtime (and with it the daemon).
        log.warning("campaign schedule not applied this time: %r", exc)
