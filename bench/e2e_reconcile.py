"""Where every call of the end-to-end bench ended, by three witnesses, and the pop latencies.

Owns: ``reconcile`` (the simulator's placed calls and their outcomes, the daemon's
outcome for each call, and the CRM's interaction rows read from the SQLite file; a call
counts only when all three agree it was answered or abandoned, anything else is lost) and
``pop_latencies`` (each pop's receipt minus the start of its agent's ring; a pop that came
first counts as 0). Must not run anything: pure functions over what the processes reported.
"""

from collections import Counter
from dataclasses import dataclass, field

#: The three witnesses' words for the two proper endings of a call in this bench.
SIM_WORDS = {"answered-by-agent": "answered", "abandoned": "abandoned"}
DAEMON_WORDS = {
    "answered": "answered",
    "abandoned_queue": "abandoned",
    "abandoned_ivr": "abandoned",
}
CRM_WORDS = DAEMON_WORDS


@dataclass
class Reconciliation:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    #: call id -> (simulator, daemon, CRM) for every call not counted as kept
    lost: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    daemon_only: int = 0  # the daemon saw calls the simulator never placed (should be 0)


def reconcile(
    sim: dict[str, str], daemon: dict[str, str | None], crm: dict[str, str | None]
) -> Reconciliation:
    result = Reconciliation(offered=len(sim))
    for call_id, sim_outcome in sim.items():
        said = (
            SIM_WORDS.get(sim_outcome, f"sim:{sim_outcome}"),
            DAEMON_WORDS.get(daemon.get(call_id) or "", f"daemon:{daemon.get(call_id, 'missing')}"),
            CRM_WORDS.get(crm.get(call_id) or "", f"crm:{crm.get(call_id, 'missing')}"),
        )
        if said == ("answered",) * 3:
            result.answered += 1
        elif said == ("abandoned",) * 3:
            result.abandoned += 1
        else:
            result.lost[call_id] = said
    result.daemon_only = len(set(daemon) - set(sim))
    return result


def lost_kinds(r: Reconciliation) -> Counter[tuple[str, str, str]]:
    return Counter(r.lost.values())


@dataclass
class Latencies:
    #: (receipt, latency) per pop that had a ring, in receipt order
    samples: list[tuple[float, float]] = field(default_factory=list)
    #: pops that arrived before their ring started (counted as 0 in ``samples``)
    early: int = 0
    #: pops whose agent's phone never rang for that call (the caller left first)
    unrung: int = 0

    @property
    def values(self) -> list[float]:
        return [latency for _, latency in self.samples]


def pop_latencies(
    pops: list[tuple[str, str, float]],
    rings: dict[str, list[tuple[str, float]]],
    extension_of: dict[str, str],
) -> Latencies:
    """Each pop against its own ring: same call, same agent's phone, the last ring that
    started before the pop (or the first one, for a pop that came before any)."""
    result = Latencies()
    for call_id, agent, received in sorted(pops, key=lambda p: p[2]):
        extension = extension_of.get(agent)
        starts = [t for dest, t in rings.get(call_id, ()) if dest == extension]
        if not starts:
            result.unrung += 1
            continue
        before = [t for t in starts if t <= received]
        latency = received - max(before) if before else 0.0
        result.early += not before
        result.samples.append((received, latency))
    return result
