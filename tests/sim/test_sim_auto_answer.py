"""Auto-answer: the ACD's Dial with a pre-dial handler that adds ``Call-Info:
answer-after=0`` (asterisk-conf [cti-auto-answer]); the simulated phone answers at once."""

from __future__ import annotations

from tests.sim.simwire import AgiConn, AmiClient, get, running, virtual_time

HOTLINE = "8005551234"
ANI = "2125550111"


async def _dial(ami: AmiClient, conn: AgiConn, data: str) -> int:
    assert await conn.command("ANSWER") == "200 result=0"
    start = len(ami.frames)
    conn.writer.write(f"EXEC Dial {data}\n".encode())
    return start


@virtual_time
async def test_a_dial_with_the_auto_answer_handler_is_answered_with_no_ring_time() -> None:
    async with running() as (sim, ami, agi):
        phone = sim.add_phone("1001", answer_after=8.0, talk_for=30.0)
        await sim.place_call(ANI, HOTLINE)
        conn = await agi.next_session()
        start = await _dial(ami, conn, "PJSIP/1001,20,b(cti-auto-answer^s^1)")

        begin = await ami.event("DialBegin", start)
        end = await ami.event("DialEnd", start)
        assert get(end, "DialStatus") == "ANSWER"
        assert ami.time_of(end) - ami.time_of(begin) < 0.01
        assert (phone.answered, phone.in_call) == (1, True)
        agent = get(begin, "DestChannel") or ""
        handler = [
            (get(f, "Context"), get(f, "Application"), get(f, "AppData"))
            for f in ami.events("Newexten", Channel=agent)
            if get(f, "Context") == "cti-auto-answer"
        ]
        assert handler == [
            ("cti-auto-answer", "Set", "PJSIP_HEADER(add,Call-Info)=answer-after=0"),
            ("cti-auto-answer", "Return", ""),
        ]
        # The handler runs on the new channel before the phone is called (app_dial.c).
        first_handler = ami.events("Newexten", Channel=agent, Context="cti-auto-answer")[0]
        assert ami.index(first_handler) < ami.index(begin)


@virtual_time
async def test_without_the_handler_the_same_phone_rings_for_its_own_answer_time() -> None:
    async with running() as (sim, ami, agi):
        phone = sim.add_phone("1001", answer_after=8.0, talk_for=30.0)
        await sim.place_call(ANI, HOTLINE)
        conn = await agi.next_session()
        start = await _dial(ami, conn, "PJSIP/1001,20")

        begin = await ami.event("DialBegin", start)
        end = await ami.event("DialEnd", start)
        assert get(end, "DialStatus") == "ANSWER"
        assert abs(ami.time_of(end) - ami.time_of(begin) - 8.0) < 0.01
        assert phone.answered == 1


@virtual_time
async def test_a_phone_held_ringing_ignores_the_auto_answer_header_until_released() -> None:
    async with running() as (sim, ami, agi):
        phone = sim.add_phone("1001", hold_ringing=True, talk_for=30.0)
        await sim.place_call(ANI, HOTLINE)
        conn = await agi.next_session()
        start = await _dial(ami, conn, "PJSIP/1001,5,b(cti-auto-answer^s^1)")

        end = await ami.event("DialEnd", start)
        assert get(end, "DialStatus") == "NOANSWER"
        assert phone.answered == 0
