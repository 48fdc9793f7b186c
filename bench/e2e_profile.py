"""What the end-to-end bench runs: its profiles, the command line, and the callers' scripts.

Owns ``Profile`` (agents, arrival rate, ring, talk and wrap-up times, traffic duration,
contact book size, prompt length), the named profiles, the argument parser with its
overrides, and ``caller_scripts``: who calls, what they key in the two-level IVR, and how
patient they are. Must not run anything.
"""

import argparse
import random
from dataclasses import dataclass, replace
from pathlib import Path

from bench.e2e_seed import contact_number, unknown_number
from sim import CallerScript

HOTLINE = "8005550600"
#: Share of callers who know the CRM (the rest dial from unknown numbers).
KNOWN_SHARE = 0.9
#: Share of impatient callers: they hang up after 0.5-3 s, in the IVR, in the queue or
#: while an agent's phone rings, so abandons take every path.
IMPATIENT_SHARE = 0.03


@dataclass(frozen=True, slots=True)
class Profile:
    agents: int
    rate: float  # calls per second
    duration: float  # seconds of arrivals
    ring: float  # seconds an agent's phone rings before it is answered
    talk: float  # seconds of conversation
    wrap_up: float  # seconds before the agent closes the wrap-up (REST)
    contacts: int  # size of the CRM's contact book
    prompt_seconds: float  # length of each IVR prompt

    @property
    def calls(self) -> int:
        return round(self.rate * self.duration)

    @property
    def occupancy(self) -> float:
        """Little's law: agents busy on average ÷ agents."""
        return self.rate * (self.ring + self.talk + self.wrap_up) / self.agents

    def describe(self) -> str:
        return (
            f"{self.agents:,} agents, {self.rate:g} calls/s for {self.duration:g} s "
            f"({self.calls:,} calls), ring {self.ring:g} s, talk {self.talk:g} s, wrap-up "
            f"{self.wrap_up:g} s (occupancy {self.occupancy:.0%} by Little's law), two-level "
            f"IVR with {self.prompt_seconds:g} s prompts, {self.contacts:,} contacts in the CRM"
        )


@dataclass(frozen=True, slots=True)
class Options:
    out: Path
    seed: int
    pyinstrument: str | None
    gc_tuned: bool


PROFILES = {
    "default": Profile(2000, 100.0, 60.0, 1.0, 10.0, 2.0, 100_000, 0.5),
    # the "normal load": a 200-agent centre at 5 calls/s
    "normal": Profile(200, 5.0, 60.0, 1.0, 10.0, 2.0, 20_000, 0.5),
    "quick": Profile(50, 5.0, 10.0, 1.0, 10.0, 2.0, 5_000, 0.5),
    # the test suite's smoke run
    "smoke": Profile(12, 4.0, 3.0, 0.3, 1.0, 0.3, 500, 0.1),
}


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="callcenter bench e2e",
        description="The whole simulated call centre under load (bench/e2e.py).",
    )
    ap.add_argument("--profile", choices=sorted(PROFILES), default="default")
    for name, kind, text in (
        ("agents", int, "agents signed in and ready"),
        ("rate", float, "calls per second"),
        ("duration", float, "seconds of arrivals"),
        ("ring", float, "seconds an agent's phone rings"),
        ("talk", float, "seconds of conversation"),
        ("wrap-up", float, "seconds of wrap-up"),
        ("contacts", int, "contacts in the CRM"),
        ("prompt-seconds", float, "length of each IVR prompt"),
    ):
        ap.add_argument(f"--{name}", type=kind, default=None, help=f"{text} (overrides)")
    ap.add_argument("--out", default="bench-results", help="directory for the report and plots")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--pyinstrument", default=None, help="write a profile of the daemon here")
    ap.add_argument("--gc-tuned", action="store_true", help="gc.freeze() + higher thresholds")
    return ap


def profile_of(args: argparse.Namespace) -> Profile:
    base = PROFILES[args.profile]
    overrides = {
        name: getattr(args, name)
        for name in ("agents", "rate", "duration", "ring", "talk", "wrap_up", "contacts",
                     "prompt_seconds")
        if getattr(args, name) is not None
    }  # fmt: skip
    return replace(base, **overrides)


def caller_scripts(profile: Profile, seed: int) -> list[CallerScript]:
    rng = random.Random(seed)
    scripts = []
    for n in range(profile.calls):
        known = rng.random() < KNOWN_SHARE
        ani = contact_number(rng.randrange(profile.contacts)) if known else unknown_number(n)
        patience = rng.uniform(0.5, 3.0) if rng.random() < IMPATIENT_SHARE else None
        digits = ("1", rng.choice("12"))  # English, then sales or support
        scripts.append(CallerScript(ani, HOTLINE, digits, patience))
    return scripts
