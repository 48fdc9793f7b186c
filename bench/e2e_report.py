"""What the end-to-end bench found, printed and written as markdown with two PNG plots.

Owns ``Run`` (every figure of one run), ``print_run`` (the terminal summary) and
``write_report`` (``report.md``, ``latency.png`` — pop latency over the run, ours and the
naive connector's — and ``queue.png`` — queue depth and calls up over the run — into the
output directory, with matplotlib's file-only backend). Must not run anything.
"""

from dataclasses import dataclass, field
from pathlib import Path

from bench.e2e_profile import Profile
from bench.e2e_reconcile import Latencies, Reconciliation, lost_kinds

SHOWN_LOST = 5


@dataclass(frozen=True, slots=True)
class Sample:
    at: float  # seconds since the traffic began
    queued: int
    calls: int


@dataclass
class Run:
    profile: Profile
    seconds: float
    calls: Reconciliation
    ours: Latencies
    naive: Latencies
    routing: list[float]
    ami_frames: int
    cpu: dict[str, float]
    daemon_peak_rss: int
    samples: list[Sample]
    wrap_ups: int
    wrap_up_retries: int
    all_wrapped: bool
    complaints: list[str] = field(default_factory=list)
    ws_dropped_frames: int = 0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def ms(values: list[float]) -> str:
    p50, p95, p99 = (pct(values, q) * 1e3 for q in (0.5, 0.95, 0.99))
    top = max(values, default=0.0) * 1e3
    return f"p50 {p50:.1f} / p95 {p95:.1f} / p99 {p99:.1f} / max {top:.1f} ms"


def ratio(naive: float, ours: float) -> str:
    return f"{naive / ours:.1f}x" if ours > 0 else ("inf (ours 0)" if naive > 0 else "n/a")


def lines(r: Run) -> list[str]:
    c, p = r.calls, r.profile
    per_call = {name: cpu / max(c.offered, 1) * 1e3 for name, cpu in r.cpu.items()}
    out = [
        f"calls: offered {c.offered:,}, answered {c.answered:,}, abandoned {c.abandoned:,}, "
        f"lost {len(c.lost)} (simulator, daemon and CRM rows agree on every other call; "
        f"daemon calls the simulator never placed: {c.daemon_only})",
        f"screen pop, ring start -> agent's WebSocket ({len(r.ours.samples):,} pops): "
        f"{ms(r.ours.values)}; before the ring (counted 0): {share(r.ours)}; "
        f"pops whose phone never rang (caller gone): {r.ours.unrung}",
        f"naive connector, same rings ({len(r.naive.samples):,} pops): {ms(r.naive.values)}",
        f"ratio naive / ours: p50 {ratio(pct(r.naive.values, 0.5), pct(r.ours.values, 0.5))}, "
        f"p99 {ratio(pct(r.naive.values, 0.99), pct(r.ours.values, 0.99))}",
        f"routing decision ({len(r.routing):,} passes with calls waiting and agents ready): "
        f"p99 {pct(r.routing, 0.99) * 1e3:.3f} ms, max {max(r.routing, default=0) * 1e3:.3f} ms",
        f"AMI frames read by the daemon: {r.ami_frames:,} in {r.seconds:.0f} s "
        f"({r.ami_frames / r.seconds:,.0f}/s)",
        "CPU seconds: "
        + ", ".join(f"{n} {s:.1f} ({per_call[n]:.1f} ms/call)" for n, s in r.cpu.items()),
        f"daemon: {r.cpu['daemon'] / r.seconds:.2f} cores on average over {r.seconds:.0f} s; "
        f"peak RSS {r.daemon_peak_rss / 2**20:.0f} MiB",
        f"wrap-ups: {r.wrap_ups:,}; every agent back to ready: {r.all_wrapped}; "
        f"wrap-ups sent again while the row was being written: {r.wrap_up_retries:,}; "
        f"WebSocket frames dropped: {r.ws_dropped_frames}",
        f"profile: {p.describe()}",
    ]
    for kind, n in lost_kinds(c).most_common(SHOWN_LOST):
        out.append(f"lost: {n} x (simulator, daemon, CRM) = {kind}")
    out += [f"daemon warnings/errors: {line}" for line in r.complaints]
    return out


def share(lat: Latencies) -> str:
    total = len(lat.samples)
    return f"{lat.early} ({lat.early / total:.1%})" if total else "0"


def print_run(r: Run) -> None:
    for line in lines(r):
        print(line)


def write_report(r: Run, out: Path, command: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    plot_latency(r, out / "latency.png")
    plot_queue(r, out / "queue.png")
    report = out / "report.md"
    body = "\n".join(f"- {line}" for line in lines(r))
    report.write_text(
        f"# End-to-end bench\n\n`callcenter bench e2e {command}`\n\n{body}\n\n"
        "![pop latency over the run](latency.png)\n\n![queue depth over the run](queue.png)\n"
    )
    return report


def plot_latency(r: Run, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    first = min((t for lat in (r.ours, r.naive) for t, _ in lat.samples), default=0.0)
    for label, lat in (("ours", r.ours), ("naive connector", r.naive)):
        xs = [t - first for t, _ in lat.samples]
        ax.plot(xs, [v * 1e3 for _, v in lat.samples], ".", markersize=2, label=label)
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set(xlabel="seconds into the run", ylabel="ring -> pop received (ms)")
    ax.set_title("Screen-pop latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_queue(r: Run, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    xs = [s.at for s in r.samples]
    ax.plot(xs, [s.queued for s in r.samples], label="calls queued")
    ax.plot(xs, [s.calls for s in r.samples], label="calls up in the daemon")
    ax.set(xlabel="seconds into the run", ylabel="calls")
    ax.set_title("Queue depth")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
