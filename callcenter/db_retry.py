"""Retrying the writes that keep a customer's history when the database is briefly unable.

An interaction row or an ACD event batch is the only account of what happened on a call, so
a write that fails for a passing reason (SQLite's write lock held past its busy timeout by
a loaded process, the connection pool exhausted, a PostgreSQL restart) is tried again with
growing pauses instead of being logged and dropped. Errors that retrying cannot cure (a
constraint, a bug) are raised at once.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import exc as sa_exc

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a write keeps trying before its caller is told it failed.
BUDGET_SECONDS = 300.0
FIRST_PAUSE = 0.05
LONGEST_PAUSE = 5.0


def is_transient(error: BaseException) -> bool:
    """Whether trying the same write again later can succeed."""
    if isinstance(error, sa_exc.IntegrityError | sa_exc.ProgrammingError | sa_exc.DataError):
        return False
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    # OperationalError: "database is locked", server gone; TimeoutError: pool exhausted.
    return isinstance(error, sa_exc.OperationalError | sa_exc.TimeoutError | ConnectionError)


async def with_retries(
    write: Callable[[], Awaitable[T]],
    *,
    what: str,
    budget: float = BUDGET_SECONDS,
    now: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """Run ``write`` (a whole transaction) until it succeeds, a permanent error, or ``budget``
    seconds have gone; ``what`` names it in the log lines."""
    give_up_at = now() + budget
    pause = FIRST_PAUSE
    attempt = 1
    while True:
        try:
            return await write()
        except Exception as error:
            if not is_transient(error) or now() + pause > give_up_at:
                raise
            cause = getattr(error, "orig", None) or error
            log.warning(
                "%s: attempt %d failed (%s: %s); retrying in %.2f s",
                what,
                attempt,
                type(cause).__name__,
                cause,
                pause,
            )
        await sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)
        attempt += 1


class SerialWrites:
    """The daemon's hot-path writes (interaction rows, dispositions, ACD events), each retried
    as above and, on SQLite, taking turns in the event loop.

    SQLite has one writer at a time. Left to its busy handler, writers waiting for the lock
    sleep in growing steps (up to 100 ms each) in their threads, so under load the lock sits
    idle between them and throughput collapses while the pool's connections stay checked
    out. Queued on an ``asyncio.Lock`` instead, the next write starts as soon as the last one
    commits. PostgreSQL writes concurrently and is not serialised.
    """

    def __init__(self, *, serialize: bool) -> None:
        self._lock = asyncio.Lock() if serialize else None

    async def run(self, write: Callable[[], Awaitable[T]], *, what: str) -> T:
        return await with_retries(lambda: self._once(write), what=what)

    async def _once(self, write: Callable[[], Awaitable[T]]) -> T:
        if self._lock is None:
            return await write()
        async with self._lock:
            return await write()
