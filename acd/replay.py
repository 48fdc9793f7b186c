"""Which calls were waiting, where and since when, folded from the ACD's event log.

Owns the replay that lets a restarted daemon give callers back their place (DESIGN.md: the
dialplan keeps them on hold music in [cti-fallback]; the daemon brings them back and "they
keep their place from the event log"). Pure: it reads ``(type, payload)`` pairs in log
order, as ``callcenter/event_log.py`` writes them (the event's class name and its fields),
and never raises on a malformed or unknown row: the log is history, not input to trust.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cti.ids import CallId, QueueName


@dataclass(frozen=True, slots=True)
class WaitingEntry:
    """A call the log shows waiting: its queue now, its priority and when it joined."""

    call_id: CallId
    queue: QueueName
    priority: int
    joined_at: float


def waiting_calls(events: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[CallId, WaitingEntry]:
    """The calls still waiting at the end of ``events`` (oldest first)."""
    waiting: dict[CallId, WaitingEntry] = {}
    for type_, payload in events:
        try:
            call_id = CallId(str(payload["call_id"]))
            if type_ == "CallQueued":
                earlier = waiting.get(call_id)
                waiting[call_id] = WaitingEntry(
                    call_id,
                    QueueName(str(payload["queue"])),
                    int(payload["priority"]),
                    # A transferred call queues again: its new place starts now, but one
                    # that is re-queued after a restart keeps the first join time.
                    float(payload["at"]) if earlier is None else earlier.joined_at,
                )
            elif type_ in ("CallConnected", "CallLeftQueue"):
                waiting.pop(call_id, None)
            elif type_ == "CallOverflowed":
                entry = waiting.get(call_id)
                if entry is None:
                    continue
                if payload.get("action") == "queue" and payload.get("to_queue"):
                    to_queue = QueueName(str(payload["to_queue"]))
                    waiting[call_id] = WaitingEntry(
                        call_id, to_queue, entry.priority, entry.joined_at
                    )
                else:
                    waiting.pop(call_id, None)
        except (KeyError, TypeError, ValueError):
            continue
    return waiting
