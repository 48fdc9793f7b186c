"""Typed identifiers shared across packages.

Owns: the small NewType ids that events and commands carry, so that a channel's
Uniqueid is never confused with a call id or an agent id. Must not hold logic.
"""

from typing import NewType

#: Asterisk's ``Uniqueid`` of one channel (``1795664264.5``).
UniqueId = NewType("UniqueId", str)
#: Asterisk's ``Linkedid``: the Uniqueid of the first channel of a call; all legs share it.
LinkedId = NewType("LinkedId", str)
#: A channel name (``PJSIP/1001-0000000a``, ``Local/8005559876@incoming-00000002;2``).
ChannelName = NewType("ChannelName", str)
#: Our id of one customer call, stable across IVR, queue and agent legs.
CallId = NewType("CallId", str)
#: An agent's id: the login name of the agent's user.
AgentId = NewType("AgentId", str)
#: A queue's name (``support``).
QueueName = NewType("QueueName", str)
