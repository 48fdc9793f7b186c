"""The service-request lifecycle as one table: which status may follow which.

Pure: no I/O. ``crm_core.service_requests`` asks ``transition`` before it writes anything.

Rules:

* The happy path is new → assigned → in_progress → waiting_on_customer → resolved → closed.
* A request waiting on the customer goes back to in_progress when they answer, or straight to
  resolved.
* Reopening is resolved/closed → in_progress: the work starts again, it is not a new request.
* A request is assigned only to someone: ``assigned`` needs an assignee.
* Staying in the same status is not a transition and is refused, so history has no no-ops.
"""

from __future__ import annotations

from crm_core.errors import IllegalTransition
from crm_core.vocabulary import RequestStatus

New = RequestStatus.NEW
Assigned = RequestStatus.ASSIGNED
InProgress = RequestStatus.IN_PROGRESS
Waiting = RequestStatus.WAITING_ON_CUSTOMER
Resolved = RequestStatus.RESOLVED
Closed = RequestStatus.CLOSED

TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    New: frozenset({Assigned}),
    Assigned: frozenset({InProgress}),
    InProgress: frozenset({Waiting, Resolved}),
    Waiting: frozenset({InProgress, Resolved}),
    Resolved: frozenset({Closed, InProgress}),  # → in_progress is a reopen
    Closed: frozenset({InProgress}),  # reopen
}

REOPENING = frozenset({(Resolved, InProgress), (Closed, InProgress)})


def transition(
    current: RequestStatus, target: RequestStatus, *, has_assignee: bool
) -> RequestStatus:
    """``target`` if the move is allowed; raises ``IllegalTransition`` naming why not."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current.value, target.value)
    if target is Assigned and not has_assignee:
        raise IllegalTransition(current.value, target.value, "assign it to someone first")
    return target


def is_reopen(current: RequestStatus, target: RequestStatus) -> bool:
    return (current, target) in REOPENING
