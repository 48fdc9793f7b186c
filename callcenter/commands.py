"""What each ``callcenter`` subcommand does, once its settings are known."""

import asyncio
import logging
import socket
from collections.abc import Sequence
from pathlib import Path

from callcenter.app import run_app
from callcenter.settings import Settings, SettingsError, validate
from crm_core.db import make_engine, make_sessionmaker, upgrade
from crm_core.seed import seed_demo
from prompts.catalog import DEFAULT_LAYOUT
from prompts.manifest import Manifest
from sim import SimConfig, run_standalone

log = logging.getLogger("callcenter")

DEMO_HOTLINE = "8005551234"
#: Callers the demo simulator dials from: seeded customers, one unknown, one withheld.
DEMO_UNKNOWN_ANIS = ("+13055550199", "anonymous")
#: Who ``callcenter sim`` dials from by default: the demo CRM's customers and two strangers.
DEMO_CALLERS = ("+12125550100", "+12125550111", "+13125550144", "+16175550110", *DEMO_UNKNOWN_ANIS)


def prompt_lengths(manifest: Path = DEFAULT_LAYOUT.manifest) -> dict[str, float]:
    """``lang/name`` -> seconds of the built prompts, so simulated callers listen to each
    prompt for as long as a real caller would; {} when the prompts are not built."""
    if not manifest.is_file():
        return {}
    durations = Manifest.read(manifest).durations()
    return {f"{language}/{name}": seconds for (language, name), seconds in durations.items()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def db(action: str, url: str) -> int:
    await upgrade(url)
    if action == "seed":
        engine = make_engine(url)
        try:
            summary = await seed_demo(make_sessionmaker(engine))
        finally:
            await engine.dispose()
        print(f"seeded: {summary}")
    else:
        print(f"database at {url} is up to date")
    return 0


async def serve(settings: Settings) -> int:
    validate(settings)
    await upgrade(settings.db_url)
    async with run_app(settings) as app:
        print(
            f"callcenter serving http://{settings.http_host}:{app.http_port}/ "
            f"(FastAGI on {app.agi_port}, AMI to {settings.ami_host}:{settings.ami_port})"
        )
        await asyncio.Event().wait()
    return 0


async def sim(
    ami_port: int,
    agi_host: str,
    agi_port: int,
    call_every: float,
    hotline: str,
    anis: Sequence[str] | None = None,
) -> int:
    if call_every <= 0:
        raise SettingsError("--call-every must be positive")
    config = SimConfig(
        ami_port=ami_port,
        agi_host=agi_host,
        agi_port=agi_port,
        hotlines={hotline: "inbound"},
        prompt_lengths=prompt_lengths(),
    )
    # Like extensions.conf: a caller whose daemon goes away waits in [cti-fallback] for it.
    config.fallback_unless_done = True
    print(
        f"simulated PBX: AMI on 127.0.0.1:{ami_port}, hotline {hotline} -> "
        f"agi://{agi_host}:{agi_port}/inbound, a call every {call_every}s"
    )
    await run_standalone(
        config, call_every=call_every, anis=anis or DEMO_CALLERS, menu_digits=("1", "2")
    )
    return 0


async def demo(base: Settings, http_port: int, call_every: float, db_file: str) -> int:
    Path(db_file).parent.mkdir(parents=True, exist_ok=True)
    settings = base.with_overrides(
        db_url=f"sqlite+aiosqlite:///{db_file}",
        http_port=http_port,
        agi_port=free_port(),
        ami_port=free_port(),
        ami_auth="md5",
        wrap_up_seconds=20.0,
    )
    validate(settings)
    await db("seed", settings.db_url)
    anis = await seeded_anis(settings.db_url)
    config = SimConfig(
        ami_port=settings.ami_port,
        agi_port=settings.agi_port,
        hotlines={DEMO_HOTLINE: "inbound"},
        default_answer_after=4.0,
        default_talk_for=12.0,
        prompt_lengths=prompt_lengths(),
    )
    async with run_app(settings) as app:
        print_banner(app.http_port, call_every)
        # The daemon's AMI link retries until the simulator listens; calls start after.
        await run_standalone(
            config,
            call_every=call_every,
            anis=(*anis, *DEMO_UNKNOWN_ANIS),
            menu_digits=("1", "2", "2"),
        )
    return 0


async def seeded_anis(url: str) -> list[str]:
    from crm_core.contacts import list_phone_numbers

    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await list_phone_numbers(session, limit=50)
    finally:
        await engine.dispose()


def print_banner(http_port: int, call_every: float) -> None:
    print(
        f"""
  Call-center demo is running.
    Agent page:  http://127.0.0.1:{http_port}/   (log in as alice / demo, bob / demo, carol / demo)
    A simulated caller dials the hotline every {call_every:g}s; press "Sign in", then "Ready".
    Stop with Ctrl-C.
""",
        flush=True,
    )
