"""What becomes of the dials and nailed-up lines a stopped daemon left behind: pure rules.

A daemon that stops forgets its dials in flight and its agents' seats; the PBX and the CRM
do not. At start-up and after every AMI login ``callcenter/campaign_recovery.py`` lays the
CRM's open attempts beside Asterisk's channel list and asks this module, per attempt:

- its channel (``Uniqueid`` = the attempt's call id, set by ``ChannelId`` at the Originate)
  is gone: the attempt is closed ``no_answer`` ("daemon restart": how it ended is unknown,
  and no agent reached anyone) and the retry rules put the lead back in line (after 2 h by
  default). Not ``failed``: ``dialer.retries`` takes a failed number for dead, and this
  number is not to blame;
- still ringing: adopted; its end gives the real outcome (answered: the FastAGI step as for
  any dial; unanswered: busy / no answer / failed from the hangup cause);
- answered and in ``[cti-dialer-abandon]``: the person is hearing the safe-harbour message
  because nobody took them while we were away: closed now as a live answer **and**
  abandoned (a machine: ``machine``), so the ledger counts it;
- answered and bridged to an agent: adopted; it ends ``human`` with that agent;
- answered and still in ``[cti-dialer]`` (detection, or a FastAGI step): adopted; if our
  FastAGI step takes it, as any dial; if it ends without one, by ``AMDSTATUS``.

And per nailed-up line in ``[cti-nailed]`` that is no seat of ours and not bridged: hung
up, so the agent is not left in silence on a line nobody will use (they join again).

Must not do I/O: the shell reads the channels, their variables and the CRM.
"""

from dataclasses import dataclass
from enum import StrEnum

from crm_core.vocabulary import AmdResult
from cti.channel_list import ShownChannel
from dialer.retries import Outcome

ABANDON_CONTEXT = "cti-dialer-abandon"
NAILED_CONTEXT = "cti-nailed"
NAILED_PREFIX = "nailed-"
RESTART = "daemon restart"
LINK_LOST = "AMI link lost while the dial rang"

#: Q.850 causes of a dial that was never answered: 17 user busy; 18 no user responding,
#: 19 no answer, 16 normal clearing (the originate's ring timeout cancels the call); 0 is
#: the resync's "gone during the link loss" (cause unknown), taken like a gone channel.
BUSY_CAUSES = frozenset({17})
NO_ANSWER_CAUSES = frozenset({0, 16, 18, 19})
LIVE_AMD = frozenset({"HUMAN", "NOTSURE"})


class Seen(StrEnum):
    """How an adopted dial stood when we found it."""

    RINGING = "ringing"
    ANSWERED = "answered"
    BRIDGED = "bridged"


@dataclass(frozen=True, slots=True)
class Adopt:
    """The dial lives: follow it to its end."""

    seen: Seen
    reason: str
    #: The agent it is bridged to (``BRIDGED``).
    agent_id: str | None = None
    #: The agent's nailed-up line it is bridged to: hung up when the call ends.
    line: str = ""
    #: ``AMDSTATUS`` when detection had run (an answered dial).
    amd_status: str = ""


@dataclass(frozen=True, slots=True)
class Close:
    """The dial is over (or as good as): record its outcome now."""

    outcome: Outcome
    reason: str
    amd: AmdResult | None = None
    abandoned: bool = False


@dataclass(frozen=True, slots=True)
class Ending:
    """How an adopted dial that no FastAGI step took over ended."""

    outcome: Outcome
    amd: AmdResult | None = None
    abandoned: bool = False
    agent_id: str | None = None


@dataclass(frozen=True, slots=True)
class Partner:
    """What the shell read about the channel a dial is bridged to."""

    channel: ShownChannel
    agent_id: str


def judge_dial(
    shown: ShownChannel | None, amd_status: str, partner: Partner | None, why: str = RESTART
) -> Adopt | Close:
    """The fate of an open attempt whose call id lists as ``shown`` (None: not listed);
    ``why`` the daemon lost track of it (a restart, or the AMI link lost while it rang)."""
    if shown is None:
        # Not ``failed``: the retry rules take a failed number for dead, and the number is
        # not to blame. Nobody was reached by an agent, so it is retried as unanswered.
        return Close(Outcome.NO_ANSWER, f"{why}: the dial's channel was gone; its end is unknown")
    if not shown.is_up:
        return Adopt(Seen.RINGING, f"{why}: still ringing, adopted")
    if shown.context == ABANDON_CONTEXT:
        if amd_status == "MACHINE":
            return Close(Outcome.MACHINE, f"{why}: a machine, dropped", AmdResult.MACHINE)
        return Close(
            Outcome.HUMAN,
            f"{why}: answered while no daemon could bridge it; safe-harbour message",
            _amd(amd_status),
            abandoned=True,
        )
    if shown.bridge_id and partner is not None and partner.agent_id:
        line = partner.channel.channel if is_nailed(partner.channel) else ""
        return Adopt(
            Seen.BRIDGED,
            f"{why}: talking to {partner.agent_id}, adopted",
            partner.agent_id,
            line,
            amd_status,
        )
    return Adopt(Seen.ANSWERED, f"{why}: answered, adopted", amd_status=amd_status)


def adopted_end(
    seen: Seen, answered: bool, amd_status: str, cause: int, agent_id: str | None
) -> Ending:
    """The outcome of an adopted dial that hung up without our FastAGI step taking it."""
    if seen is Seen.BRIDGED:
        return Ending(Outcome.HUMAN, _amd(amd_status), agent_id=agent_id)
    if answered:
        if not amd_status or amd_status == "HANGUP":
            return Ending(Outcome.NO_ANSWER, AmdResult.HANGUP)  # hung up during detection
        if amd_status == "MACHINE":
            return Ending(Outcome.MACHINE, AmdResult.MACHINE)
        # Detection ran and the step was the old daemon's: the dialplan's safe harbour.
        return Ending(Outcome.HUMAN, _amd(amd_status), abandoned=True)
    if cause in BUSY_CAUSES:
        return Ending(Outcome.BUSY)
    if cause in NO_ANSWER_CAUSES:
        return Ending(Outcome.NO_ANSWER)
    return Ending(Outcome.FAILED)


def is_nailed(shown: ShownChannel) -> bool:
    return shown.context == NAILED_CONTEXT or shown.uniqueid.startswith(NAILED_PREFIX)


def stray_lines(channels: list[ShownChannel], seated: set[str]) -> list[ShownChannel]:
    """Nailed-up lines that are no seat of ours (by uniqueid) and carry no call."""
    return [c for c in channels if is_nailed(c) and c.uniqueid not in seated and not c.bridge_id]


def bridge_partner(shown: ShownChannel, channels: list[ShownChannel]) -> ShownChannel | None:
    if not shown.bridge_id:
        return None
    others = [
        c for c in channels if c.bridge_id == shown.bridge_id and c.uniqueid != shown.uniqueid
    ]
    return others[0] if others else None


def _amd(status: str) -> AmdResult:
    """A live answer's AMD result; unknown (detection result lost) counts as NOTSURE."""
    return AmdResult(status.lower()) if status in LIVE_AMD else AmdResult.NOTSURE


@dataclass(frozen=True, slots=True)
class DialReconciled:
    """Event log: what a reconciliation did with an attempt left open, and why."""

    call_id: str
    campaign_id: int
    lead_id: int
    attempt_id: int
    #: ``adopted`` (``state`` is how it stood) or ``closed`` (``state`` is the outcome).
    decision: str
    state: str
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class NailedLineReleased:
    """Event log: a nailed-up line from before a restart was hung up, and why."""

    uniqueid: str
    channel: str
    agent_id: str
    reason: str
    at: float


RecoveryEvent = DialReconciled | NailedLineReleased
