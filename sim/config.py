"""Configuration of the PBX simulator.

Owns: ``SimConfig``, the one object that says where the simulator listens, where the
daemon's FastAGI server is, which DNIS are hotlines and how long the simulated world
takes to do things. Must not hold behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _default_hotlines() -> dict[str, str]:
    return {"8005551234": "inbound"}


@dataclass
class SimConfig:
    """Where to listen and connect, and the timings of the simulated world.

    ``hotlines`` maps a DNIS to the path of the FastAGI script the hotline's dialplan
    runs (``AGI(agi://agi_host:agi_port/<path>,${DNIS},${ANI})``).
    """

    ami_host: str = "127.0.0.1"
    ami_port: int = 0
    ami_username: str = "cti"
    ami_secret: str = "cti"
    agi_host: str = "127.0.0.1"
    agi_port: int = 4573
    hotlines: dict[str, str] = field(default_factory=_default_hotlines)
    prompt_seconds: float = 1.0
    default_answer_after: float = 2.0
    default_talk_for: float = 10.0
    trunk_name: str = "trunk"
