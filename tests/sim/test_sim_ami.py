"""AMI server behaviour: banner, logins, Ping, Events, errors, Getvar/Setvar."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from sim import SimConfig, Simulator
from tests.sim.simwire import AmiClient, get, keys, running, virtual_time


async def started() -> Simulator:
    sim = Simulator(SimConfig())
    await sim.start()
    return sim


@virtual_time
async def test_banner_and_plain_login_send_fully_booted() -> None:
    sim = await started()
    client = await AmiClient.connect(sim.ami_port)
    try:
        assert client.banner == "Asterisk Call Manager/11.0.0\r\n"
        response = await client.login()
        assert response == [
            ("Response", "Success"),
            ("ActionID", get(response, "ActionID") or ""),
            ("Message", "Authentication accepted"),
        ]
        booted = await client.event("FullyBooted")
        assert keys(booted) == ["Event", "Privilege", "Uptime", "LastReload", "Status"]
    finally:
        await client.close()
        await sim.close()


@virtual_time
async def test_md5_challenge_login_with_events_off_sends_no_fully_booted() -> None:
    sim = await started()
    client = await AmiClient.connect(sim.ami_port)
    try:
        challenge = await client.action("Challenge", ("AuthType", "md5"))
        assert keys(challenge) == ["Response", "ActionID", "Challenge"]
        key = hashlib.md5(((get(challenge, "Challenge") or "") + "cti").encode()).hexdigest()
        response = await client.action(
            "Login", ("AuthType", "md5"), ("Username", "cti"), ("Key", key), ("Events", "off")
        )
        assert get(response, "Message") == "Authentication accepted"
        pong = await client.action("Ping")
        assert get(pong, "Ping") == "Pong"
        assert client.events("FullyBooted") == []
    finally:
        await client.close()
        await sim.close()


@virtual_time
async def test_wrong_secret_is_refused_after_a_second_then_closed() -> None:
    sim = await started()
    client = await AmiClient.connect(sim.ami_port)
    loop = asyncio.get_running_loop()
    try:
        start = loop.time()
        response = await client.login(secret="wrong-secret")
        assert response[:1] == [("Response", "Error")]
        assert get(response, "Message") == "Authentication failed"
        assert loop.time() - start == pytest.approx(1.0, abs=0.05)
        await client.closed.wait()
    finally:
        await client.close()
        await sim.close()


@virtual_time
async def test_ping_answers_pong_with_a_timestamp() -> None:
    async with running(agi=False) as (_, ami, _agi):
        response = await ami.action("Ping")
        assert keys(response) == ["Response", "ActionID", "Ping", "Timestamp"]
        whole, _, fraction = (get(response, "Timestamp") or "").partition(".")
        assert whole.isdigit() and len(fraction) == 6


@virtual_time
async def test_unknown_action_is_an_error_like_asterisk() -> None:
    async with running(agi=False) as (_, ami, _agi):
        response = await ami.action("FooBar")
        assert get(response, "Response") == "Error"
        assert get(response, "Message") == (
            "Invalid/unknown command: FooBar. Use Action: ListCommands to show available commands."
        )


@virtual_time
async def test_garbage_gets_an_error_and_the_connection_survives() -> None:
    async with running(agi=False) as (_, ami, _agi):
        start = len(ami.frames)
        await ami.send_raw(b"this is not AMI\r\n\r\n")
        error = await ami.wait_for(lambda f: get(f, "Response") == "Error", start)
        assert get(error, "Message") == "Missing action in request"
        start = len(ami.frames)
        await ami.send_raw(b"Action: Ping\r\nX-Junk: " + b"x" * 5000 + b"\r\n\r\n")
        error = await ami.wait_for(lambda f: get(f, "Response") == "Error", start)
        assert get(error, "Message") == "Failed to parse message: line too long"
        assert get(await ami.action("Ping"), "Ping") == "Pong"


@virtual_time
async def test_actions_before_login_are_refused() -> None:
    sim = await started()
    client = await AmiClient.connect(sim.ami_port)
    try:
        response = await client.action("Ping")
        assert get(response, "Message") == "Permission denied"
    finally:
        await client.close()
        await sim.close()


@virtual_time
async def test_events_action_switches_the_event_mask() -> None:
    async with running(agi=False) as (_, ami, _agi):
        assert (await ami.action("Events", ("EventMask", "off")))[-1] == ("Events", "Off")
        assert (await ami.action("Events", ("EventMask", "on")))[-1] == ("Events", "On")


@virtual_time
async def test_global_setvar_and_getvar() -> None:
    async with running(agi=False) as (_, ami, _agi):
        response = await ami.action("Setvar", ("Variable", "CTI_LAB"), ("Value", "on"))
        assert get(response, "Message") == "Variable Set"
        varset = await ami.event("VarSet", Variable="CTI_LAB")
        assert varset == [
            ("Event", "VarSet"),
            ("Privilege", "dialplan,all"),
            ("Channel", "none"),
            ("Uniqueid", "none"),
            ("Variable", "CTI_LAB"),
            ("Value", "on"),
        ]
        response = await ami.action("Getvar", ("Variable", "CTI_LAB"))
        assert keys(response) == ["Response", "ActionID", "Variable", "Value"]
        assert get(response, "Value") == "on"


@virtual_time
async def test_empty_lists_complete_with_zero_items() -> None:
    async with running(agi=False) as (_, ami, _agi):
        response = await ami.action("CoreShowChannels")
        assert get(response, "EventList") == "start"
        done = await ami.event("CoreShowChannelsComplete")
        assert keys(done) == ["Event", "ActionID", "EventList", "ListItems"]
        assert get(done, "ListItems") == "0"
        await ami.action("Status")
        done = await ami.event("StatusComplete")
        assert keys(done) == ["Event", "ActionID", "EventList", "ListItems", "Items"]


@virtual_time
async def test_logoff_says_goodbye_and_closes() -> None:
    async with running(agi=False) as (_, ami, _agi):
        response = await ami.action("Logoff")
        assert response[0] == ("Response", "Goodbye")
        assert get(response, "Message") == "Thanks for all the fish."
        await ami.closed.wait()
