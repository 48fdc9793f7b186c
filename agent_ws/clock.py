"""The time seam of the HTTP/WebSocket edge.

Owns the ``Clock`` protocol that sessions, login throttling and message timestamps read.
The composition root passes the daemon's clock (wall time at start plus the event loop's
elapsed time), so expiry and ``at`` stamps follow virtual time in tests. Nothing in
``agent_ws`` reads ``time.time()`` itself.
"""

from typing import Protocol


class Clock(Protocol):
    """A source of wall time in epoch seconds."""

    def now(self) -> float:
        """Return the current wall time, in seconds since the epoch."""
        ...
