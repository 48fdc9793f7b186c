"""The typed errors crm_core raises when a request breaks a rule.

Callers (the HTTP edge, the daemon) catch ``CrmError`` subclasses and turn them into refusals;
anything else escaping a query function is a bug or an outage.
"""

from __future__ import annotations


class CrmError(Exception):
    """Base class of every refusal crm_core makes on purpose."""


class NotFound(CrmError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key


class AlreadyExists(CrmError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} already exists")
        self.what = what
        self.key = key


class InvalidValue(CrmError, ValueError):
    """A field outside what the CRM accepts (a skill level of 11, an empty disposition)."""


class InvalidPhoneNumber(CrmError):
    def __init__(self, raw: str, reason: str) -> None:
        super().__init__(f"{raw!r} cannot be stored as a phone number: {reason}")
        self.raw = raw


class DuplicateInteraction(CrmError):
    """The call was already recorded; ``interaction_id`` is the existing row."""

    def __init__(self, call_id: str, interaction_id: int) -> None:
        super().__init__(f"call {call_id!r} already recorded as interaction {interaction_id}")
        self.call_id = call_id
        self.interaction_id = interaction_id


class NotYourInteraction(CrmError):
    """An agent tried to wrap up an interaction handled by someone else (or by no one)."""

    def __init__(self, interaction_id: int, agent_id: str) -> None:
        super().__init__(f"interaction {interaction_id} was not handled by {agent_id!r}")
        self.interaction_id = interaction_id
        self.agent_id = agent_id


class InvalidField(InvalidValue):
    """A value refused for one named field, so the HTTP edge can answer 422 naming it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class VersionConflict(CrmError):
    """Someone else changed the record since the caller read it: re-read, then re-apply."""

    def __init__(self, what: str, key: object, expected: int, actual: int) -> None:
        super().__init__(f"{what} {key!r} is at version {actual}, not {expected}")
        self.what = what
        self.key = key
        self.expected = expected
        self.actual = actual


class IllegalTransition(CrmError):
    """A service request cannot move from ``current`` to ``target`` (see crm_core.lifecycle)."""

    def __init__(self, current: str, target: str, reason: str = "") -> None:
        why = f": {reason}" if reason else ""
        super().__init__(f"a request cannot go from {current} to {target}{why}")
        self.current = current
        self.target = target
        self.reason = reason


class SegmentRefused(CrmError):
    """An agent leg cannot take this change (answered twice, closed twice, a wrong ending)."""

    def __init__(self, segment_id: int, reason: str) -> None:
        super().__init__(f"segment {segment_id}: {reason}")
        self.segment_id = segment_id
        self.reason = reason


class LeadRefused(CrmError):
    """A campaign lead or attempt cannot take this change (dialled while already dialling,
    an attempt finished twice)."""

    def __init__(self, what: str, key: int, reason: str) -> None:
        super().__init__(f"{what} {key}: {reason}")
        self.what = what
        self.key = key
        self.reason = reason
