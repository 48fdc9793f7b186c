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
    runs (``AGI(agi://agi_host:agi_port/<path>,${DNIS},${ANI})``). ``prompt_lengths``
    gives the length in seconds of named prompts, per language (``zh/cc-welcome``, as
    ``callcenter`` reads them from the built prompts' manifest) or for any language
    (``demo-congrats``); any other prompt lasts ``prompt_seconds``. ``agent_ring``,
    ``agent_talk`` and ``supervisor_talk`` seed the globals ``AGENT_RING``, ``AGENT_TALK``
    and ``SUPERVISOR_TALK`` that the lab contexts ``agents`` and ``supervisors`` read
    (fixtures README).
    """

    ami_host: str = "127.0.0.1"
    ami_port: int = 0
    ami_username: str = "cti"
    ami_secret: str = "cti"
    agi_host: str = "127.0.0.1"
    agi_port: int = 4573
    hotlines: dict[str, str] = field(default_factory=_default_hotlines)
    prompt_seconds: float = 1.0
    prompt_lengths: dict[str, float] = field(default_factory=dict)
    default_answer_after: float = 2.0
    default_talk_for: float = 10.0
    trunk_name: str = "trunk"
    agent_ring: float = 2.0
    agent_talk: float = 20.0
    supervisor_talk: float = 30.0
    #: The production hotline dialplan (asterisk-conf/extensions.conf): a FastAGI session
    #: that ends without the daemon setting CTI_DONE=1 leaves the caller in [cti-fallback]
    #: on hold music. Off, the lab's dialplan of the recordings: only AGISTATUS=FAILURE
    #: (no FastAGI server) goes there.
    fallback_unless_done: bool = False

    def prompt_length(self, name: str, language: str = "") -> float:
        """How long the prompt ``name`` plays in ``language`` (its first file when
        ``&``-joined)."""
        first = name.split("&")[0]
        fallback = self.prompt_lengths.get(first, self.prompt_seconds)
        return self.prompt_lengths.get(f"{language}/{first}", fallback)
