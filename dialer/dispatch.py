"""The shell's small decisions around one dial: what a failed Originate or an AMD verdict
means for the attempt, which waiting agent takes an answered person, and by when.

Owns ``outcome_of_originate`` (Asterisk's Originate reason code → ``Outcome``),
``AmdVerdict`` and ``read_amd`` (the ``outbound-amd`` FastAGI arguments, validated),
``bridge_deadline`` (the 2-second rule, detection included) and ``pick_agent`` (the agent
free longest). Must not place calls or read a clock: times are passed in.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from dialer.retries import Outcome

#: A person who answered must hear an agent within this many seconds of their greeting
#: (the answer, since answering-machine detection counts against the rule).
TWO_SECOND_RULE = 2.0

#: Originate reason codes (__ast_request_and_dial's last control frame): 5 busy, 3 rang
#: out, 8 congestion, 1 hung up / unreachable, 0 the channel could not be requested.
_ORIGINATE = {5: Outcome.BUSY, 3: Outcome.NO_ANSWER}


def outcome_of_originate(reason_code: int) -> Outcome:
    """A dial that was never answered: busy and rang-out are retried as such; anything
    else (congestion, unreachable, refused) is a failed number."""
    return _ORIGINATE.get(reason_code, Outcome.FAILED)


class AmdStatus(StrEnum):
    HUMAN = "HUMAN"
    MACHINE = "MACHINE"
    NOTSURE = "NOTSURE"
    HANGUP = "HANGUP"


@dataclass(frozen=True, slots=True)
class AmdVerdict:
    status: AmdStatus
    cause: str

    @property
    def live(self) -> bool:
        """Treat as a person: HUMAN, and NOTSURE (dropping a person is what the law
        punishes; bridging a machine only costs an agent a few seconds)."""
        return self.status in (AmdStatus.HUMAN, AmdStatus.NOTSURE)


class BadAmdArguments(ValueError):
    """The FastAGI arguments are not ``AMDSTATUS,AMDCAUSE`` as the dialplan passes them."""


def read_amd(args: tuple[str, ...]) -> AmdVerdict:
    """``outbound-amd``'s arguments: ``(AMDSTATUS, AMDCAUSE)`` from ``AGI(...,${AMDSTATUS},
    ${AMDCAUSE})``; raises ``BadAmdArguments`` naming what is wrong."""
    if not args or not args[0].strip():
        raise BadAmdArguments("no AMDSTATUS argument")
    status = args[0].strip().upper()
    try:
        parsed = AmdStatus(status)
    except ValueError:
        raise BadAmdArguments(f"unknown AMDSTATUS {args[0]!r}") from None
    cause = args[1].strip() if len(args) > 1 else ""
    return AmdVerdict(parsed, cause)


def bridge_deadline(answered_at: float) -> float:
    """The latest moment an agent may come on the line for a person who answered then."""
    return answered_at + TWO_SECOND_RULE


def pick_agent(free_since: Mapping[str, float]) -> str | None:
    """The agent free the longest (ties: by id, so the choice is reproducible)."""
    if not free_since:
        return None
    return min(free_since, key=lambda agent: (free_since[agent], agent))
