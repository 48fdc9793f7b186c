"""Which AMI events the daemon uses, and the event classes it subscribes to at login.

Owns the class of every event ``cti`` reads (Asterisk 22's ``manager.c`` / the
``<managerEvent>`` docs put each event in one class: ``Privilege: call,all``) and the
``Events:`` mask sent with ``Login``. Asterisk then never queues the other classes for our
session (dialplan's ``Newexten``/``VarSet``, agi, cdr, reporting...), which is most of a
busy server's stream. ``asterisk-conf/manager.conf`` grants the same classes as ``read``
and adds ``eventfilter`` lines for the rest; a test keeps the three in step.
"""

from cti.tracker import TRACKED_EVENTS

#: Every event the daemon reads, by its AMI class.
EVENT_CLASS: dict[str, str] = {
    **dict.fromkeys(TRACKED_EVENTS - {"DTMFEnd"}, "call"),
    "DTMFEnd": "dtmf",
    "OriginateResponse": "call",  # cti.telephony correlates it to its Originate
    "FullyBooted": "system",  # sent at login and after an Asterisk restart
}

#: The ``Events:`` header of our ``Login``: the classes above, nothing else.
EVENT_MASK = ",".join(sorted(set(EVENT_CLASS.values())))

__all__ = ["EVENT_CLASS", "EVENT_MASK"]
