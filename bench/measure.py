"""What the load benchmarks measure about their own process: open-file limit, memory, CPU.

Owns: raising ``RLIMIT_NOFILE`` to the hard limit (thousands of sockets need it), reading
the resident set size, CPU seconds, and latency summaries (percentiles of samples).
Must not time anything itself or assert on figures: benchmarks print, never judge.
"""

import resource
from dataclasses import dataclass
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
