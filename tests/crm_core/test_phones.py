"""Phone-number normalisation: E.164 variants, internal extensions, withheld ids, garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.phones import NumberKind, normalise

E164, INTERNAL, WITHHELD, INVALID = (
    NumberKind.E164,
    NumberKind.INTERNAL,
    NumberKind.WITHHELD,
    NumberKind.INVALID,
)


@pytest.mark.parametrize(
    ("raw", "region", "kind", "e164"),
    [
        ("+1 212 555 0100", "US", E164, "+12125550100"),
        ("+12125550100", "US", E164, "+12125550100"),
        ("(212) 555-0100", "US", E164, "+12125550100"),
        ("212-555-0100", "US", E164, "+12125550100"),
        ("212.555.0100", "US", E164, "+12125550100"),
        ("2125550100", "US", E164, "+12125550100"),
        ("1 212 555 0100", "US", E164, "+12125550100"),
        ("  +1 (212) 555-0100  ", "US", E164, "+12125550100"),
        ("011 44 20 7946 0958", "US", E164, "+442079460958"),  # US international prefix
        ("+44 20 7946 0958", "US", E164, "+442079460958"),
        ("020 7946 0958", "GB", E164, "+442079460958"),  # national format, other region
        ("8005551234", "US", E164, "+18005551234"),
        ("2125550100 ext. 12", "US", E164, "+12125550100"),  # extension is not part of E.164
    ],
)
def test_public_numbers_normalise_to_e164(
    raw: str, region: str, kind: NumberKind, e164: str
) -> None:
    number = normalise(raw, region)
    assert (number.kind, number.e164, number.internal, number.raw) == (kind, e164, None, raw)


@pytest.mark.parametrize("raw", ["1001", "12", "123456", " 1002 "])
def test_short_digit_strings_are_internal_extensions(raw: str) -> None:
    number = normalise(raw, "US")
    assert number.kind is INTERNAL
    assert number.internal == raw.strip()
    assert number.e164 is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "anonymous",
        "Anonymous",
        "unknown",
        "<unknown>",
        "private",
        "PRIVATE",
        "restricted",
        "withheld",
        "unavailable",
    ],
)
def test_withheld_forms_are_recognised(raw: str) -> None:
    number = normalise(raw, "US")
    assert (number.kind, number.e164, number.internal) == (WITHHELD, None, None)


@pytest.mark.parametrize(
    "raw",
    [
        "hello",
        "12ab",
        "+1",
        "1",
        "555-0100",
        "1234567",
        "+1 212 555",
        "sip:+12125550100@pbx",
        "+999 1234 5678",
        "0012125550100",
    ],
)
def test_garbage_and_incomplete_numbers_are_invalid(raw: str) -> None:
    number = normalise(raw, "US")
    assert (number.kind, number.e164, number.internal) == (INVALID, None, None)


@given(st.text(max_size=40))
def test_normalise_never_raises_and_keeps_its_fields_consistent(raw: str) -> None:
    number = normalise(raw, "US")
    assert number.raw == raw
    assert (number.e164 is not None) == (number.kind is E164)
    assert (number.internal is not None) == (number.kind is INTERNAL)
    if number.e164 is not None:
        assert number.e164.startswith("+") and number.e164[1:].isdigit()


@given(st.from_regex(r"\+1[2-9]\d{2}[2-9]\d{6}", fullmatch=True))
def test_an_e164_result_normalises_to_itself(raw: str) -> None:
    number = normalise(raw, "US")
    if number.e164 is not None:
        assert normalise(number.e164, "DE").e164 == number.e164
