"""The IVR's endings that need the PBX: a voicemail recording, a transfer over the trunk.

Owns how each is done over the caller's FastAGI session and what the call's record says of
it; ``inbound`` decides when (an IVR node, or a queue's entry rule).
"""

from callcenter.calls import ActiveCall
from cti.agi_server import AgiSession

#: Where Asterisk writes voicemail left in the IVR, and its limits.
VOICEMAIL_DIR = "/var/spool/asterisk/callcenter/voicemail"
VOICEMAIL_SILENCE_S = 5
VOICEMAIL_MAX_S = 180
#: How long an external number rings when the IVR transfers a caller there.
TRANSFER_RING_S = 60


async def record_voicemail(session: AgiSession, call: ActiveCall, team: str) -> None:
    recording = f"{VOICEMAIL_DIR}/{call.call_id}"
    # Record(file.format,silence,maxduration,options): "k" keeps the file if the caller
    # hangs up while speaking, which is how most messages end.
    await session.exec("Record", f"{recording}.wav,{VOICEMAIL_SILENCE_S},{VOICEMAIL_MAX_S},k")
    call.outcome = "voicemail"
    call.voicemail_for = team  # a follow-up task for the team is created with the record
    call.add_note(f"voicemail for {team}: {recording}.wav")


async def transfer_out(session: AgiSession, call: ActiveCall, number: str, trunk: str) -> None:
    await session.exec("Dial", f"PJSIP/{number}@{trunk},{TRANSFER_RING_S}")
    call.outcome = "transferred_out"
    call.add_note(f"transferred to {number}")
