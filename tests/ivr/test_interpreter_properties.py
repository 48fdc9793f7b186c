"""Whatever the caller presses, the example flow ends, and a PIN never leaves the core."""

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import ivr
from ivr.directory import Caller, Verdict
from ivr.flow import Flow, load_flow
from ivr.interpreter import Finish, Reply, Validate, advance, begin
from tests.ivr.flows import PIN, flow_of

EXAMPLE = load_flow(Path(ivr.__file__).parent / "examples" / "bilingual_service.yaml")
KEYS = st.text(alphabet="0123456789*#", max_size=12)
CALLERS = st.builds(
    Caller,
    ani=st.sampled_from(["", "13800138000", "anonymous"]),
    known=st.booleans(),
    tier=st.sampled_from(["none", "gold", "bronze"]),
    open_request=st.sampled_from([None, "10023"]),
)
INSTANTS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
)


def finish(flow: Flow, presses: list[str], caller: Caller, now: datetime, ok: bool) -> Finish:
    state, action = begin(flow, caller=caller, now=now)
    for step in range(200):
        if isinstance(action, Finish):
            return action
        reply: Reply = Verdict(ok) if isinstance(action, Validate) else None
        if reply is None:
            reply = presses[step] if step < len(presses) else ""
        state, action = advance(flow, state, reply, now)
    raise AssertionError(f"no end after 200 steps: {state.path}")


@settings(max_examples=200, deadline=None)
@given(st.lists(KEYS, max_size=20), CALLERS, INSTANTS, st.booleans())
def test_every_caller_reaches_an_end(
    presses: list[str], caller: Caller, now: datetime, ok: bool
) -> None:
    outcome = finish(EXAMPLE, presses, caller, now, ok).outcome
    ends = [outcome.queue, outcome.voicemail, outcome.callback_number]
    assert sum(end is not None for end in ends) == 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=1, max_size=6), max_size=5))
def test_a_pin_never_appears_in_the_outcome(presses: list[str]) -> None:
    outcome = finish(
        flow_of("pin", pin=PIN), presses, Caller(), datetime(2026, 11, 30, tzinfo=UTC), True
    ).outcome
    assert outcome.collected == {}
    for press in presses:
        assert all(press not in mark for mark in outcome.path if mark.startswith("pin:"))
