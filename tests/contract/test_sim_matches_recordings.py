"""Contract: the simulator, driven like the real Asterisk was, produces the same feed.

For each recorded scenario (tests/fixtures/asterisk, all but d1, which needs app_queue)
the test replays the client's side of the recording against the simulator: every AMI
action at its recorded time, every FastAGI command once the previous reply is in (and
not before its recorded time), the FastAGI half-close. Then it compares:

* the AMI events of the classes the daemon subscribes to: the same events, with the
  same header names and the same key values (state, cause, dial status, device state,
  digit), in the same order **per channel, per bridge and per device**. The global
  interleaving of different channels' events is not compared: it is not stable in
  Asterisk itself (compare OriginateResponse vs DialEnd in a1, a2 and b), because
  stasis delivers each topic's messages in order but not across topics;
* the FastAGI environment keys, and every line the session received (replies and
  ``HANGUP`` lines), with ``endpos`` sample counts normalised.

Channel names are normalised to the order in which their Local pair first appeared, so
``Local/1001@agents-00000003;1`` is ``Local/1001@agents-#1;1`` in both feeds.
Devices named ``Queue:...`` are dropped: they come from app_queue's queues.conf,
which the simulator does not simulate.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest

from sim import SimConfig, Simulator
from tests.sim.simwire import FIXTURES, AgiConn, AgiServer, AmiClient, Frame, get, virtual_time

SCENARIOS = (
    "a1_inbound_ivr",
    "a2_ivr_agi_hangup",
    "b_redirect_dial_agent",
    "e1_action_basics",
    "e2_login_failure",
    "e3_login_md5_challenge",
)

SUBSCRIBED = frozenset(
    {
        "Newchannel",
        "Newstate",
        "NewCallerid",
        "DialBegin",
        "DialState",
        "DialEnd",
        "BridgeCreate",
        "BridgeEnter",
        "BridgeLeave",
        "BridgeDestroy",
        "HangupRequest",
        "SoftHangupRequest",
        "Hangup",
        "DeviceStateChange",
        "DTMFBegin",
        "DTMFEnd",
        "LocalBridge",
        "OriginateResponse",
        "Hold",
        "Unhold",
        "BlindTransfer",
        "AttendedTransfer",
    }
)
# Values that must match too (ids and times never do).
COMPARED_VALUES = ("ChannelStateDesc", "Cause", "DialStatus", "State", "Digit", "Response")
CHANNEL_KEYS = ("Channel", "DestChannel", "LocalOneChannel")
SUFFIX = re.compile(r"-[0-9a-f]{8}(?=;[12]$|$)")


def lab_config(agi_port: int) -> SimConfig:
    """The lab of tests/fixtures/asterisk/README.md: three IVR hotlines, real prompt lengths."""
    return SimConfig(
        agi_port=agi_port,
        hotlines={dnis: "ivr" for dnis in ("8005551234", "8005551235", "8005559876")},
        # endpos=242214 samples in a1; beep ~0.42 s (a1: Playback beep, GET DATA timeouts).
        prompt_lengths={"demo-congrats": 242214 / 8000, "beep": 0.42},
    )


def records(name: str, kind: str) -> list[dict[str, Any]]:
    path = FIXTURES / f"{name}.{kind}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


class Names:
    """Channel names -> ``<base>-#<n>`` by the order their base first appeared."""

    def __init__(self) -> None:
        self.bases: dict[str, int] = {}

    def norm(self, name: str) -> str:
        match = SUFFIX.search(name)
        if match is None:
            return name
        base = name[: match.end()]
        number = self.bases.setdefault(base, len(self.bases))
        return f"{name[: match.start()]}-#{number}{name[match.end() :]}"

    def real(self, normalised: str) -> str:
        """The actual name of a normalised one (or the name itself when not seen yet)."""
        for base, number in self.bases.items():
            stem = base[: SUFFIX.search(base).start()]  # type: ignore[union-attr]
            prefix = f"{stem}-#{number}"
            if normalised.startswith(prefix) and normalised[len(prefix) :] in ("", ";1", ";2"):
                return base + normalised[len(prefix) :]
        return normalised


def streams(frames: list[Frame]) -> dict[str, list[tuple[Any, ...]]]:
    """Subscribed events grouped by the channel, bridge or device they concern."""
    names = Names()
    bridges: dict[str, int] = {}
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for frame in frames:
        event = get(frame, "Event") or ""
        if event not in SUBSCRIBED:
            continue
        device = get(frame, "Device") or ""
        if device.startswith("Queue:"):
            continue
        values = tuple((k, get(frame, k)) for k in COMPARED_VALUES if get(frame, k) is not None)
        shape = (event, frozenset(k for k, _ in frame), values)
        owners = [f"dev:{device}"] if device else []
        if event == "OriginateResponse":
            # Sent by the Originate thread (manager.c fast_originate), not through the
            # channel's stasis topic: its place among the channel's events varies (a1 vs a2).
            out["originate"].append(shape)
            continue
        for key in CHANNEL_KEYS:
            if get(frame, key):
                owners.append(f"chan:{names.norm(get(frame, key) or '')}")
        if get(frame, "BridgeUniqueid"):
            bridge = bridges.setdefault(get(frame, "BridgeUniqueid") or "", len(bridges))
            owners.append(f"bridge:{bridge}")
        for owner in owners or ["global"]:
            out[owner].append(shape)
    return dict(out)


@dataclass
class Replay:
    """The client side of a recording, played against a running simulator."""

    name: str
    ami: AmiClient
    start: float
    recorded_names: Names = field(default_factory=Names)
    sim_names: Names = field(default_factory=Names)
    challenge: str = ""

    def __post_init__(self) -> None:
        for record in records(self.name, "ami"):
            for key, value in record.get("headers") or []:
                if key in CHANNEL_KEYS and value:
                    self.recorded_names.norm(value)

    async def at(self, t: float) -> None:
        delay = self.start + t - asyncio.get_running_loop().time()
        if delay > 0:
            await asyncio.sleep(delay)

    def sim_channel(self, recorded: str) -> str:
        for frame in self.ami.frames:
            for key in CHANNEL_KEYS:
                if get(frame, key):
                    self.sim_names.norm(get(frame, key) or "")
        return self.sim_names.real(self.recorded_names.norm(recorded))

    async def play_ami(self) -> None:
        for record in records(self.name, "ami"):
            if record["dir"] != "tx" or record["kind"] != "action":
                continue
            await self.at(record["t"])
            headers = [(k, v) for k, v in record["headers"]]
            action = get(headers, "Action") or ""
            fields = [(k, self._rewrite(k, v)) for k, v in headers if k not in ("Action",)]
            await self._send(action, fields)

    def _rewrite(self, key: str, value: str) -> str:
        if key in ("Channel", "ExtraChannel", "Channel1", "Channel2"):
            return self.sim_channel(value)
        if key == "Key" and self.challenge:
            return hashlib.md5((self.challenge + "cti").encode()).hexdigest()
        return value

    async def _send(self, action: str, fields: list[tuple[str, str]]) -> None:
        action_id = get(fields, "ActionID") or ""
        rest = [(k, v) for k, v in fields if k != "ActionID"]
        await self.ami.send(action, *rest, action_id=action_id)
        if action.lower() == "challenge":
            reply = await self.ami.wait_for(lambda f: get(f, "ActionID") == action_id)
            self.challenge = get(reply, "Challenge") or ""

    async def play_agi(self, server: AgiServer) -> AgiConn | None:
        agi = records(self.name, "agi")
        if not agi:
            return None
        conn = await server.next_session(within=5)
        for record in agi:
            if record["dir"] != "tx":
                continue
            await self.at(record["t"])
            if record["kind"] == "eof":
                conn.writer.write_eof()
                with contextlib.suppress(EOFError):
                    while True:
                        await conn.line()
                return conn
            await conn.command(record["line"].rstrip("\n"))
        return conn


def _show(shape: tuple[Any, ...]) -> str:
    """An event's name and compared values, for a readable first assertion."""
    event, _keys, values = shape
    return " ".join([event, *(f"{k}={v}" for k, v in values)])


def recorded_agi_lines(name: str) -> tuple[list[str], list[str]]:
    env, lines = [], []
    for record in records(name, "agi"):
        if record["dir"] != "rx" or record["kind"] == "eof":
            continue
        text = record["line"].rstrip("\n")
        if record["kind"] == "env":
            if text:
                env.append(text.partition(": ")[0])
        else:
            lines.append(text)
    return env, lines


def normalise_reply(line: str) -> str:
    return re.sub(r"endpos=\d+", "endpos=N", line)


async def simulate(name: str) -> tuple[list[Frame], AgiConn | None]:
    server = AgiServer()
    sim = Simulator(lab_config(await server.start()))
    await sim.start()
    ami = await AmiClient.connect(sim.ami_port)
    replay = Replay(name, ami, asyncio.get_running_loop().time())
    try:
        async with asyncio.TaskGroup() as tg:
            agi = tg.create_task(replay.play_agi(server))
            await replay.play_ami()
        await ami.closed.wait()  # every recording ends with Logoff or a failed login
        assert sim.errors == []
        return list(ami.frames), agi.result()
    finally:
        await ami.close()
        await sim.close()
        await server.close()


@pytest.mark.parametrize("name", SCENARIOS)
def test_simulator_feed_matches_the_recording(name: str) -> None:
    result: dict[str, Any] = {}

    @virtual_time
    async def scenario() -> None:
        result["frames"], result["agi"] = await simulate(name)

    scenario()
    recorded = [
        [(k, v) for k, v in r["headers"]] for r in records(name, "ami") if r["kind"] == "event"
    ]
    expected, actual = streams(recorded), streams(result["frames"])
    mismatches = {
        owner: (
            [_show(x) for x in expected.get(owner, [])],
            [_show(x) for x in actual.get(owner, [])],
        )
        for owner in sorted(set(expected) | set(actual))
        if expected.get(owner) != actual.get(owner)
    }
    assert mismatches == {}, "\n".join(
        f"{owner}:\n  recorded  {want}\n  simulated {got}"
        for owner, (want, got) in mismatches.items()
    )

    env, lines = recorded_agi_lines(name)
    conn: AgiConn | None = result["agi"]
    if not env:
        assert conn is None
        return
    assert conn is not None
    assert [key for key, _ in conn.env] == env
    assert [normalise_reply(line) for line in conn.received] == [
        normalise_reply(line) for line in lines
    ]
