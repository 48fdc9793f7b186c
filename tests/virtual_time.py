"""Run a coroutine on an event loop whose clock is virtual (the ``looptime`` package).

The loop's time jumps to the next timer whenever nothing is ready, so a 90-second overflow
step or a 10-second talk time costs microseconds, while sockets stay real: loopback data
written inside the loop is ready at the next select. We drive the loop ourselves instead
of through looptime's pytest plugin, which (0.9 with pytest-asyncio 1.5) leaks an event
loop per test and trips ``filterwarnings = error``; pyproject disables that plugin.
"""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import looptime

T = TypeVar("T")


def run_in_virtual_time(main: Coroutine[Any, Any, T], *, end: float = 24 * 3600.0) -> T:
    """Run ``main`` to completion in virtual time; fail if virtual time passes ``end``."""
    loop = looptime.new_event_loop(start=0.0, end=end)
    try:
        asyncio.set_event_loop(loop)
        return loop.run_until_complete(main)
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
