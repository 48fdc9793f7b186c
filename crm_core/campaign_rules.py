"""A campaign's retry rules per outcome and its suppression periods, as stored.

Owns ``RetrySpec`` (per retried outcome: the delay before the next attempt and how many
attempts of a lead may end that way), their defaults, and the checks that turn settings
into column values (an ``InvalidField`` names the bad part, e.g. ``retries.busy.delay_seconds``).
The defaults are ``dialer.retries``' and ``dialer.compliance``'s (crm_core imports no
sibling, so they are written out here; ``tests/crm_core/test_campaign_rules.py`` checks they
agree). Must not decide when a lead is dialed: ``dialer.retries`` reads these rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from crm_core.errors import InvalidField
from crm_core.models import Campaign
from crm_core.models.campaigns import MAX_RETRY_DELAY_S as MAX_RETRY_DELAY_S
from crm_core.models.campaigns import MAX_SUPPRESS_DAYS as MAX_SUPPRESS_DAYS
from crm_core.vocabulary import AttemptOutcome

#: The outcomes a campaign sets a rule for; ``human`` (a person answered) ends the lead.
RETRIED = (
    AttemptOutcome.BUSY,
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.MACHINE,
    AttemptOutcome.FAILED,
)
MAX_PER_OUTCOME = 100


@dataclass(frozen=True, slots=True)
class RetrySpec:
    #: Seconds to wait after an attempt ending this way (0 .. 30 days).
    delay_seconds: int
    #: At most this many attempts of a lead may end this way (1: never retried after it).
    max_attempts: int


DEFAULT_RETRIES: Mapping[AttemptOutcome, RetrySpec] = MappingProxyType(
    {
        AttemptOutcome.BUSY: RetrySpec(600, 3),
        AttemptOutcome.NO_ANSWER: RetrySpec(7200, 3),
        AttemptOutcome.MACHINE: RetrySpec(14400, 2),
        AttemptOutcome.FAILED: RetrySpec(60, 2),
    }
)
DEFAULT_CONTACTED_WITHIN_DAYS = 7
DEFAULT_PURCHASED_WITHIN_DAYS = 30


def retries_of(row: Campaign) -> dict[AttemptOutcome, RetrySpec]:
    return {
        o: RetrySpec(getattr(row, f"retry_{o.value}_delay_s"), getattr(row, f"retry_{o.value}_max"))
        for o in RETRIED
    }


def retry_columns(value: object) -> dict[str, int]:
    """Column values for the outcomes ``value`` (outcome → ``RetrySpec``) names; outcomes it
    leaves out keep their stored rule."""
    if not isinstance(value, Mapping):
        raise InvalidField("retries", "must map outcomes to retry rules")
    columns: dict[str, int] = {}
    for key, spec in value.items():
        if key not in {o.value for o in RETRIED}:
            names = ", ".join(o.value for o in RETRIED)
            raise InvalidField("retries", f"{key!r} is not one of {names}")
        where = f"retries.{AttemptOutcome(key).value}"
        if not isinstance(spec, RetrySpec):
            raise InvalidField(where, "must be a retry rule")
        if not _whole(spec.delay_seconds, 0, MAX_RETRY_DELAY_S):
            raise InvalidField(f"{where}.delay_seconds", f"whole seconds, 0..{MAX_RETRY_DELAY_S}")
        if not _whole(spec.max_attempts, 1, MAX_PER_OUTCOME):
            raise InvalidField(f"{where}.max_attempts", f"a whole number, 1..{MAX_PER_OUTCOME}")
        columns[f"retry_{AttemptOutcome(key).value}_delay_s"] = spec.delay_seconds
        columns[f"retry_{AttemptOutcome(key).value}_max"] = spec.max_attempts
    return columns


def suppression_days(field_name: str, value: object) -> int:
    """A suppression period in whole days; 0 turns the rule off."""
    if not _whole(value, 0, MAX_SUPPRESS_DAYS):
        raise InvalidField(field_name, f"whole days, 0 (off) .. {MAX_SUPPRESS_DAYS}")
    assert isinstance(value, int)
    return value


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
