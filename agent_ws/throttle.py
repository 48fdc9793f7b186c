"""Per-account throttling of failed logins.

Owns the count of recent failed password checks for each account name (known or not, so
the answer does not reveal which names exist) and the decision that an account is locked
for now: ``max_failures`` failures within ``window`` seconds lock it until the oldest of
them leaves the window. A successful login clears the count. Time comes from the
injected ``Clock``; state is in memory and per process.
"""

from collections import deque

from .clock import Clock


class LoginThrottle:
    """Sliding-window count of failed logins per account name."""

    def __init__(
        self,
        clock: Clock,
        *,
        max_failures: int = 5,
        window: float = 60.0,
        max_accounts: int = 10_000,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self._max_accounts = max_accounts
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, username: str) -> float | None:
        """Seconds until the account may try again, or None if it is not locked."""
        failures = self._recent(username)
        if len(failures) < self.max_failures:
            return None
        return max(failures[0] + self.window - self._clock.now(), 0.0)

    def failed(self, username: str) -> None:
        """Count one failed attempt."""
        if len(self._failures) >= self._max_accounts:
            self._prune()
        failures = self._recent(username)
        failures.append(self._clock.now())
        self._failures[self._key(username)] = failures

    def succeeded(self, username: str) -> None:
        """Clear the account's count."""
        self._failures.pop(self._key(username), None)

    def _recent(self, username: str) -> deque[float]:
        failures = self._failures.get(self._key(username), deque())
        horizon = self._clock.now() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures

    def _prune(self) -> None:
        # Name-spraying must not grow memory without bound: forget idle names first,
        # and if that is not enough, the oldest ones.
        horizon = self._clock.now() - self.window
        self._failures = {k: f for k, f in self._failures.items() if f and f[-1] > horizon}
        while len(self._failures) >= self._max_accounts:
            del self._failures[next(iter(self._failures))]

    @staticmethod
    def _key(username: str) -> str:
        return username.strip().casefold()
