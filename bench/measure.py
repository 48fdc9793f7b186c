"""What the load benchmarks measure about their own process: open-file limit, memory, CPU.

Owns: raising ``RLIMIT_NOFILE`` to the hard limit (thousands of sockets need it), reading
the resident set size and CPU seconds, sampling the event loop's lag, and latency
summaries (percentiles of samples).
Must not time anything itself or assert on figures: benchmarks print, never judge.
"""

import asyncio
import logging
import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: Sockets and files a process needs besides its load (listeners, logs, SQLite, pipes).
FD_MARGIN = 200


class FdLimitTooLow(RuntimeError):
    pass


def raise_fd_limit(needed: int) -> int:
    """Raise the soft open-files limit to the hard one; refuse if even that is too low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed + FD_MARGIN:
        raise FdLimitTooLow(
            f"RLIMIT_NOFILE hard limit is {hard}, this run needs about {needed + FD_MARGIN} "
            f"open files: lower the load or raise the limit (ulimit -Hn, limits.conf)"
        )
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return int(hard)


def rss_bytes() -> int:
    """Resident set size now (``VmRSS``), in bytes; 0 where ``/proc`` is missing."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    p50: float
    p99: float
    max: float

    def ms(self) -> str:
        p50, p99, top = self.p50 * 1e3, self.p99 * 1e3, self.max * 1e3
        return f"p50 {p50:.3f} ms  p99 {p99:.3f} ms  max {top:.3f} ms"


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def summarise(samples: list[float]) -> Summary:
    ordered = sorted(samples)
    return Summary(
        len(ordered), percentile(ordered, 0.50), percentile(ordered, 0.99), max(ordered, default=0)
    )


def ratio(big: float, small: float) -> str:
    return f"{big / small:.2f}x" if small > 0 else "n/a"


@dataclass
class LoopWatch:
    """Samples this event loop's lag (how late a short sleep wakes) and the peak RSS.

    Lag is what every coroutine on the loop waits on top of its own work: a socket's
    data sits unread that long, so it belongs in any latency figure of a loaded server.
    """

    every: float = 0.01
    lag: list[float] = field(default_factory=list)
    rss_before: int = field(default_factory=rss_bytes)
    rss_peak: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        self.rss_peak = max(self.rss_peak, self.rss_before)
        while not self._stop.is_set():
            self.rss_peak = max(self.rss_peak, rss_bytes())
            asleep = time.perf_counter()
            await asyncio.sleep(self.every)
            self.lag.append(time.perf_counter() - asleep - self.every)

    def stop(self) -> None:
        self._stop.set()


class LogTally(logging.Handler):
    """Counts warnings and errors by logger and message template instead of printing them.

    A load of hundreds of calls repeats each complaint hundreds of times; the count of
    each kind is the finding, and a benchmark's output must stay readable.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[tuple[str, str, str]] = Counter()
        #: the first exception logged with each kind, as "Type: message"
        self.first_error: dict[tuple[str, str, str], str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        kind = (record.levelname, record.name, str(record.msg))
        self.counts[kind] += 1
        if record.exc_info and record.exc_info[1] is not None and kind not in self.first_error:
            exc = record.exc_info[1]
            self.first_error[kind] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"

    def lines(self) -> list[str]:
        return [
            f"{n} x {level} {name}: {msg!r}"
            + (f" ({self.first_error[kind]})" if kind in self.first_error else "")
            for kind, n in self.counts.items()
            for level, name, msg in [kind]
        ]
