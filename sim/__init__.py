"""An independent PBX simulator: a stand-in for Asterisk 22 and the SIP world behind it.

The daemon under test logs in to the simulator's AMI server and serves the FastAGI
sessions the simulator opens for hotline calls; the simulator plays the carrier's
callers and the agents' softphones. It imports nothing else of this repository: it is
an oracle, and a codec shared with ``cti`` would hide bugs on both sides.

The discrete-event side (``des``, ``traffic``, ``inbound``, ``outbound``) runs capacity
studies at virtual time: it defines the ``Router`` and ``Pacer`` protocols that ``bench``
plugs the real ``acd`` and ``dialer`` cores into.
"""

from sim.caller import SimCall
from sim.config import SimConfig
from sim.load import CallerScript, LoadReport, run_load
from sim.phone import SimPhone
from sim.simulator import Simulator
from sim.standalone import run_standalone

__all__ = [
    "CallerScript",
    "LoadReport",
    "SimCall",
    "SimConfig",
    "SimPhone",
    "Simulator",
    "run_load",
    "run_standalone",
]
