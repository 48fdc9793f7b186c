"""The reconciliation's rules (``callcenter/campaign_reconcile.py``), one row per case."""

import pytest

from callcenter.campaign_reconcile import (
    Adopt,
    Close,
    Ending,
    Partner,
    Seen,
    adopted_end,
    bridge_partner,
    judge_dial,
    stray_lines,
)
from crm_core.vocabulary import AmdResult
from cti.channel_list import ShownChannel
from cti.ids import ChannelName, LinkedId, UniqueId
from dialer.retries import Outcome

UP, RINGING = 6, 5


def shown(
    uid: str = "dial-1-7-1",
    *,
    state: int = UP,
    context: str = "cti-dialer",
    bridge: str | None = None,
    channel: str = "PJSIP/trunk-0001",
) -> ShownChannel:
    return ShownChannel(
        uniqueid=UniqueId(uid),
        linkedid=LinkedId(uid),
        channel=ChannelName(channel),
        state=state,
        caller_num="",
        context=context,
        exten="12125550931",
        application="",
        application_data="",
        bridge_id=bridge,
        duration_s=3,
    )


NAILED = shown("nailed-alice-1", context="cti-nailed", bridge="b1", channel="PJSIP/1001-01")


@pytest.mark.parametrize(
    ("channel", "amd", "partner", "expected"),
    [
        (None, "", None, Close),
        (shown(state=RINGING), "", None, Adopt),
        (shown(), "", None, Adopt),
        (shown(bridge="b1"), "HUMAN", Partner(NAILED, "alice"), Adopt),
        (shown(context="cti-dialer-abandon"), "HUMAN", None, Close),
        (shown(context="cti-dialer-abandon"), "MACHINE", None, Close),
    ],
)
def test_each_state_of_a_dial_left_open_has_one_verdict(
    channel: ShownChannel | None, amd: str, partner: Partner | None, expected: type
) -> None:
    verdict = judge_dial(channel, amd, partner)
    assert isinstance(verdict, expected)
    assert "daemon restart" in verdict.reason


def test_a_dial_whose_channel_is_gone_is_closed_as_unanswered_so_the_number_stays_dialable() -> (
    None
):
    assert judge_dial(None, "", None) == Close(
        Outcome.NO_ANSWER, "daemon restart: the dial's channel was gone; its end is unknown"
    )


def test_a_ringing_dial_is_adopted_as_ringing_and_an_answered_one_keeps_its_amd_status() -> None:
    ringing = judge_dial(shown(state=RINGING), "", None)
    answered = judge_dial(shown(), "NOTSURE", None)
    assert isinstance(ringing, Adopt) and ringing.seen is Seen.RINGING
    assert isinstance(answered, Adopt)
    assert (answered.seen, answered.amd_status) == (Seen.ANSWERED, "NOTSURE")


def test_a_person_hearing_the_safe_harbour_message_is_a_live_answer_and_abandoned() -> None:
    verdict = judge_dial(shown(context="cti-dialer-abandon"), "HUMAN", None)
    assert isinstance(verdict, Close)
    assert (verdict.outcome, verdict.abandoned, verdict.amd) == (
        Outcome.HUMAN,
        True,
        AmdResult.HUMAN,
    )
    machine = judge_dial(shown(context="cti-dialer-abandon"), "MACHINE", None)
    assert isinstance(machine, Close)
    assert (machine.outcome, machine.abandoned) == (Outcome.MACHINE, False)


def test_a_dial_bridged_to_a_nailed_line_is_adopted_with_its_agent_and_line() -> None:
    verdict = judge_dial(shown(bridge="b1"), "HUMAN", Partner(NAILED, "alice"))
    assert isinstance(verdict, Adopt)
    assert (verdict.seen, verdict.agent_id, verdict.line) == (
        Seen.BRIDGED,
        "alice",
        "PJSIP/1001-01",
    )


def test_a_bridge_whose_agent_is_unknown_is_adopted_as_answered() -> None:
    verdict = judge_dial(shown(bridge="b1"), "HUMAN", Partner(NAILED, ""))
    assert isinstance(verdict, Adopt) and verdict.seen is Seen.ANSWERED


@pytest.mark.parametrize(
    ("seen", "answered", "amd", "cause", "agent", "expected"),
    [
        (
            Seen.BRIDGED,
            True,
            "HUMAN",
            16,
            "alice",
            Ending(Outcome.HUMAN, AmdResult.HUMAN, agent_id="alice"),
        ),
        (
            Seen.BRIDGED,
            True,
            "",
            16,
            "alice",
            Ending(Outcome.HUMAN, AmdResult.NOTSURE, agent_id="alice"),
        ),
        (Seen.ANSWERED, True, "", 16, None, Ending(Outcome.NO_ANSWER, AmdResult.HANGUP)),
        (Seen.ANSWERED, True, "HANGUP", 16, None, Ending(Outcome.NO_ANSWER, AmdResult.HANGUP)),
        (Seen.ANSWERED, True, "MACHINE", 16, None, Ending(Outcome.MACHINE, AmdResult.MACHINE)),
        (
            Seen.ANSWERED,
            True,
            "HUMAN",
            16,
            None,
            Ending(Outcome.HUMAN, AmdResult.HUMAN, abandoned=True),
        ),
        (Seen.RINGING, True, "", 16, None, Ending(Outcome.NO_ANSWER, AmdResult.HANGUP)),
        (Seen.RINGING, False, "", 17, None, Ending(Outcome.BUSY)),
        (Seen.RINGING, False, "", 19, None, Ending(Outcome.NO_ANSWER)),
        (Seen.RINGING, False, "", 16, None, Ending(Outcome.NO_ANSWER)),
        (Seen.RINGING, False, "", 34, None, Ending(Outcome.FAILED)),
    ],
)
def test_an_adopted_dial_that_no_fastagi_step_took_ends_by_how_it_stood_and_its_cause(
    seen: Seen, answered: bool, amd: str, cause: int, agent: str | None, expected: Ending
) -> None:
    assert adopted_end(seen, answered, amd, cause, agent) == expected


def test_only_nailed_lines_of_no_seat_and_without_a_call_are_stray() -> None:
    idle = shown("nailed-bob-2", context="cti-nailed", channel="PJSIP/1002-02")
    seated = shown("nailed-carol-3", context="cti-nailed", channel="PJSIP/1003-03")
    customer = shown()
    channels = [idle, seated, NAILED, customer]
    assert stray_lines(channels, {"nailed-carol-3"}) == [idle]


def test_the_bridge_partner_is_the_other_channel_of_the_same_bridge() -> None:
    customer = shown(bridge="b1")
    other = shown("x", bridge="b2")
    assert bridge_partner(customer, [customer, other, NAILED]) == NAILED
    assert bridge_partner(shown(), [NAILED]) is None
