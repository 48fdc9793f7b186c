"""Calls entering and leaving the line: queued, turned into a callback, re-prioritised,
moved to another queue, or gone before an agent took them.

Owns ``QueueEntry``: each fact changes the waiting line and marks the call for the next
routing pass (``EngineCore._dirty``); a call released from its reservation frees its agent.
"""

import dataclasses

from acd.engine_core import EngineCore
from acd.errors import UnknownCall, UnknownQueue
from acd.events import CallLeftQueue, CallMoved, CallPriorityChanged, CallQueued
from acd.model import CallRequest, WaitingCall
from cti.ids import CallId, QueueName


def callback_id(call_id: CallId) -> CallId:
    """The id of the callback that replaces a caller's call."""
    return CallId(f"{call_id}-cb")


class QueueEntry(EngineCore):
    def enqueue(self, request: CallRequest, joined_at: float | None = None) -> None:
        """Queue a call; ``joined_at`` keeps the place of a caller who joined earlier
        (a restart resuming calls from the event log)."""
        if request.queue not in self.queues:
            raise UnknownQueue(request.queue)
        now = self._clock.now()
        call = WaitingCall(request, joined_at=now if joined_at is None else min(joined_at, now))
        self._queue_call(call)
        self._publish(
            CallQueued(
                request.call_id,
                request.queue,
                request.priority,
                now,
                request.callback_number,
                call.joined_at,
                request.tier,
            )
        )
        self._arm_call_timer(call)
        self._dispatch()

    def to_callback(self, call_id: CallId, number: str) -> CallId:
        """The waiting caller asked to be called back on ``number``: their call leaves the
        queue (``CallLeftQueue``, reason ``callback``) and a callback takes its place, with
        the same join time, queue and priority. Returns the callback's id."""
        call = self._line.get(call_id)
        if call is None:
            raise UnknownCall(call_id)
        self.leave_queue(call_id, "callback")
        request = dataclasses.replace(
            call.request,
            call_id=callback_id(call_id),
            callback_number=number,
            preferred_agent=None,
        )
        self.enqueue(request, joined_at=call.joined_at)
        return request.call_id

    def change_priority(self, call_id: CallId, priority: int, by: str) -> None:
        """A team lead's new priority for a waiting call: its place in line is computed
        again from its original join time (``UnknownCall`` if it is not waiting)."""
        call = self._unqueue(call_id)
        if call is None:
            raise UnknownCall(call_id)
        previous = call.request.priority
        call.request = dataclasses.replace(call.request, priority=priority)
        self._queue_call(call)
        now = self._clock.now()
        self._publish(CallPriorityChanged(call_id, call.request.queue, priority, previous, by, now))
        self._dispatch()

    def move_to_queue(self, call_id: CallId, queue: QueueName, by: str) -> None:
        """A team lead moves a waiting call to another queue: it keeps its join time (its
        place among equals), and the new queue's steps count from now (``UnknownCall``,
        ``UnknownQueue``; a reservation in progress is released)."""
        if queue not in self.queues:
            raise UnknownQueue(queue)
        call = self._unqueue(call_id)
        if call is None:
            raise UnknownCall(call_id)
        before, now = call.request.queue, self._clock.now()
        self._release(call, "call moved to another queue")
        call.request = dataclasses.replace(call.request, queue=queue)
        call.entered_queue_at = now
        self._queue_call(call)
        self._publish(CallMoved(call_id, before, queue, by, now))
        self._arm_call_timer(call)
        self._dispatch()

    def leave_queue(self, call_id: CallId, reason: str) -> None:
        """The caller left without an agent; a pending reservation is released."""
        call = self._unqueue(call_id)
        if call is None:
            return
        now = self._clock.now()
        self._offers.pop(call_id, None)
        self._forget(call_id)
        self._release(call, f"caller left: {reason}")
        waited = now - call.joined_at
        self._publish(CallLeftQueue(call_id, call.request.queue, reason, waited, now))
        self._dispatch()

    def in_line(self) -> list[WaitingCall]:
        """The waiting calls in the order they are served."""
        return self._line.in_line()
