"""The campaign's life cycle: one state table and one ``transition`` function.

Rules:
- A campaign is created as a ``draft``; only a draft is edited. Scheduling it fixes it;
  unscheduling returns it to draft for more edits.
- A ``scheduled`` campaign starts (its start time came, or a supervisor starts it now).
- A ``running`` campaign pauses and resumes at will; pausing places no new dials.
- A running or paused campaign ``finish``es when its lists or schedule are exhausted.
- A supervisor may ``stop`` a scheduled, running or paused campaign; it never restarts.
- ``finished`` and ``stopped`` are final. A draft is deleted, not stopped.
Requests that break these rules raise ``CampaignRefused`` (people ask; we refuse, typed).
"""

from enum import StrEnum


class CampaignState(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


class CampaignAction(StrEnum):
    EDIT = "edit"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    FINISH = "finish"
    STOP = "stop"


S, A = CampaignState, CampaignAction

TRANSITIONS: dict[tuple[CampaignState, CampaignAction], CampaignState] = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    (S.DRAFT, A.SCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, A.UNSCHEDULE): S.DRAFT,
    (S.SCHEDULED, A.START): S.RUNNING,
    (S.SCHEDULED, A.STOP): S.STOPPED,
    (S.RUNNING, A.PAUSE): S.PAUSED,
    (S.RUNNING, A.FINISH): S.FINISHED,
    (S.RUNNING, A.STOP): S.STOPPED,
    (S.PAUSED, A.RESUME): S.RUNNING,
    (S.PAUSED, A.FINISH): S.FINISHED,
    (S.PAUSED, A.STOP): S.STOPPED,
}

FINAL = frozenset({S.FINISHED, S.STOPPED})


class CampaignRefused(Exception):
    """A request the campaign's state does not allow; the message is fit for a supervisor."""

    def __init__(self, state: CampaignState, action: CampaignAction) -> None:
        super().__init__(f"cannot {action.value} a campaign that is {state.value}")
        self.state = state
        self.action = action


def transition(state: CampaignState, action: CampaignAction) -> CampaignState:
    """The state after ``action``, or ``CampaignRefused`` when the table has no such row."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise CampaignRefused(state, action) from None


def scheduled_move(
    state: CampaignState, starts_at: float | None, ends_at: float | None, now: float
) -> CampaignAction | None:
    """What the schedule asks of a campaign now: a scheduled one starts when its start time
    has come (or is stopped, its end passed unstarted); a running or paused one finishes
    when its end has come. ``None``: nothing (no times set, or not yet)."""
    ended = ends_at is not None and ends_at <= now
    if state is CampaignState.SCHEDULED:
        if ended:
            return CampaignAction.STOP
        return CampaignAction.START if starts_at is not None and starts_at <= now else None
    if state in (CampaignState.RUNNING, CampaignState.PAUSED) and ended:
        return CampaignAction.FINISH
    return None


def dials_allowed(state: CampaignState) -> bool:
    """Only a running campaign places new dials (calls in flight finish in any state)."""
    return state is CampaignState.RUNNING
