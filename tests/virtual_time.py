"""Run a coroutine on an event loop whose clock is virtual (the ``looptime`` package).

The loop's time jumps to the next timer whenever nothing is ready, so a 90-second overflow
step or a 10-second talk time costs microseconds, while sockets stay real: loopback data
written inside the loop is ready at the next select.

Work in other threads is the exception: looptime lets time flow at real speed only while an
executor future is pending. aiosqlite runs every statement in its own worker thread that the
loop cannot see, so without help virtual time would race ahead (and fire every timeout)
while a query runs. ``_VisibleQueue`` mirrors each aiosqlite request as executor work, and
``_card_reader_visible`` does the same for ``crm_core.card_reader.SqliteCardReader``'s
look-ups (its worker threads are its own, for speed).

We drive the loop ourselves instead of through looptime's pytest plugin, which (0.9 with
pytest-asyncio 1.5) leaks an event loop per test and trips ``filterwarnings = error``;
pyproject disables that plugin.
"""

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from queue import SimpleQueue
from typing import Any, TypeVar

import aiosqlite.core
import looptime

from crm_core.card_reader import SqliteCardReader
from crm_core.cards import ContactCard

T = TypeVar("T")

#: Threads that only wait for aiosqlite requests to finish; they do no work themselves.
_WAITERS = ThreadPoolExecutor(max_workers=64, thread_name_prefix="aiosqlite-visible")
#: A request still unfinished after this long is left to the test's own deadline.
_WAIT_LIMIT = 60.0


class _VisibleQueue(SimpleQueue[Any]):
    """aiosqlite's request queue, each request also shown to the loop as executor work."""

    def put_nowait(self, item: Any) -> None:
        future = item[0]
        if isinstance(future, asyncio.Future) and not future.done():
            done = threading.Event()
            future.add_done_callback(lambda _: done.set())
            future.get_loop().run_in_executor(_WAITERS, done.wait, _WAIT_LIMIT)
        super().put_nowait(item)


@contextmanager
def _aiosqlite_visible() -> Iterator[None]:
    original = aiosqlite.core.SimpleQueue  # type: ignore[attr-defined]
    aiosqlite.core.SimpleQueue = _VisibleQueue  # type: ignore[attr-defined]
    try:
        yield
    finally:
        aiosqlite.core.SimpleQueue = original  # type: ignore[attr-defined]


@contextmanager
def _card_reader_visible() -> Iterator[None]:
    original = SqliteCardReader.cards_by_number

    async def visible(self: SqliteCardReader, e164: str) -> list[ContactCard]:
        done = threading.Event()
        asyncio.get_running_loop().run_in_executor(_WAITERS, done.wait, _WAIT_LIMIT)
        try:
            return await original(self, e164)
        finally:
            done.set()

    SqliteCardReader.cards_by_number = visible  # type: ignore[method-assign]
    try:
        yield
    finally:
        SqliteCardReader.cards_by_number = original  # type: ignore[method-assign]


def run_in_virtual_time(main: Coroutine[Any, Any, T], *, end: float = 24 * 3600.0) -> T:
    """Run ``main`` to completion in virtual time; fail if virtual time passes ``end``."""
    loop = looptime.new_event_loop(start=0.0, end=end)
    try:
        asyncio.set_event_loop(loop)
        with _aiosqlite_visible(), _card_reader_visible():
            return loop.run_until_complete(main)
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
