"""The ``callcenter`` command: demo, serve, sim, bench, db and prompts subcommands.

Parses flags, builds ``Settings`` (defaults < ``CALLCENTER_*`` environment < flags) and
hands over to the composition root. Bad settings end the command with exit code 2 and a
message naming the setting.
"""

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence

from acd.queue_config import QueueConfigError
from callcenter import logs
from callcenter.settings import Settings, SettingsError, from_env
from prompts import cli as prompts_cli

#: ``callcenter bench NAME`` → the module whose ``main(argv)`` runs it.
BENCHES = {
    "ami": "bench.ami_throughput",
    "fastagi": "bench.fastagi",
    "fastagi-concurrency": "bench.fastagi_concurrency",
    "ivr": "bench.ivr_load",
    "routing": "bench.routing",
    "erlang": "bench.erlang",
    "crm": "bench.crm_lookup",
    "dialer": "bench.dialer",
    "e2e": "bench.e2e",
}
#: What ``callcenter bench`` runs when given only options (``callcenter bench --profile quick``).
DEFAULT_BENCH = "e2e"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callcenter", description=__doc__)
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING, ERROR")
    parser.add_argument("--log-format", choices=["text", "json"], default=None)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="daemon + simulator + seeded CRM + agent page")
    demo.add_argument("--http-port", type=int, default=8000)
    demo.add_argument("--call-every", type=float, default=6.0, help="seconds between calls")
    demo.add_argument("--db", default="var/demo.db", help="SQLite file of the demo CRM")

    serve = sub.add_parser("serve", help="run the daemon against a real Asterisk")
    serve.add_argument("--http-port", type=int, default=None)
    serve.add_argument("--agi-port", type=int, default=None)
    serve.add_argument("--ami-host", default=None)
    serve.add_argument("--ami-port", type=int, default=None)
    serve.add_argument("--db-url", default=None)

    sim = sub.add_parser("sim", help="run the PBX simulator on its own")
    sim.add_argument("--ami-port", type=int, default=5038)
    sim.add_argument("--agi-host", default="127.0.0.1")
    sim.add_argument("--agi-port", type=int, default=4573)
    sim.add_argument("--call-every", type=float, default=6.0)
    sim.add_argument("--hotline", default="8005551234")
    sim.add_argument(
        "--ani", action="append", default=None, help="a caller number to dial from (repeatable)"
    )

    bench = sub.add_parser(
        "bench", help="run a benchmark (figures against a baseline measured in the same run)"
    )
    bench.add_argument(
        "name", choices=sorted(BENCHES), help=f"which benchmark (options alone: {DEFAULT_BENCH})"
    )
    bench.add_argument("bench_args", nargs=argparse.REMAINDER, help="passed to the benchmark")

    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade", "seed"])
    db.add_argument("--db-url", default=None)

    prompts = sub.add_parser("prompts", help="generate, build and check the audio prompts")
    prompts_cli.add_arguments(prompts)
    return parser


def with_default_bench(argv: Sequence[str]) -> list[str]:
    """``bench`` followed by an option (not a name, not ``-h``) means ``bench e2e …``."""
    args = list(argv)
    at = 0
    while at < len(args) and args[at].startswith("-"):  # the global options and their values
        at += 1 if "=" in args[at] or args[at] in ("-h", "--help") else 2
    if args[at : at + 1] == ["bench"]:
        rest = args[at + 1 :]
        if not rest or (rest[0].startswith("-") and rest[0] not in ("-h", "--help")):
            args.insert(at + 1, DEFAULT_BENCH)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(with_default_bench(sys.argv[1:] if argv is None else argv))
    if args.command == "bench":
        # Benchmarks run their own loops and print their own figures.
        module = importlib.import_module(BENCHES[args.name])
        result: int = module.main(list(args.bench_args))
        return result
    if args.command == "prompts":
        return prompts_cli.run(args)
    try:
        settings = from_env()
        if args.log_level:
            settings = settings.with_overrides(log_level=args.log_level.upper())
    except SettingsError as exc:
        print(f"callcenter: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, args.log_format or settings.log_format)
    try:
        return asyncio.run(dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except (SettingsError, QueueConfigError) as exc:
        print(f"callcenter: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"callcenter: {exc}", file=sys.stderr)
        return 1


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from callcenter import commands

    if args.command == "demo":
        return await commands.demo(settings, args.http_port, args.call_every, args.db)
    if args.command == "serve":
        overrides = {
            "http_port": args.http_port,
            "agi_port": args.agi_port,
            "ami_host": args.ami_host,
            "ami_port": args.ami_port,
            "db_url": args.db_url,
        }
        return await commands.serve(settings.with_overrides(**overrides))
    if args.command == "sim":
        return await commands.sim(
            args.ami_port, args.agi_host, args.agi_port, args.call_every, args.hotline, args.ani
        )
    return await commands.db(args.action, args.db_url or settings.db_url)


if __name__ == "__main__":
    raise SystemExit(main())
