"""Settings of the daemon: defaults, then ``CALLCENTER_*`` environment variables, then flags.

Every value is validated on load; a bad one raises ``SettingsError`` naming the variable,
so a typo in a deployment fails at start, not at the first call.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


class SettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str = "sqlite+aiosqlite:///var/callcenter.db"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    agi_host: str = "127.0.0.1"
    agi_port: int = 4573
    ami_host: str = "127.0.0.1"
    ami_port: int = 5038
    ami_username: str = "cti"
    ami_secret: str = "cti"
    ami_auth: str = "md5"
    default_region: str = "US"
    flows_dir: Path = field(default=PACKAGE_DIR / "flows")
    #: Routing steps, overflow, wrap-up and entry rules per queue (acd/queue_config.py).
    queues_file: Path = field(default=PACKAGE_DIR / "queues.yaml")
    ring_timeout: int = 20
    wrap_up_seconds: float = 30.0
    #: The wallboard: answered within this many seconds counts toward the service level...
    service_level_seconds: float = 20.0
    #: ...which turns red with an alert below this share (0..1).
    service_level_target: float = 0.8
    #: Longest waits shown amber, then red, from these seconds.
    wait_warn_seconds: float = 30.0
    wait_alert_seconds: float = 60.0
    queue_poll_ms: int = 1000
    #: A caller with no account manager prefers the agent who last served them within this
    #: many days (the ACD's preferred-agent window, queues.yaml); 0: account managers only.
    preferred_agent_days: float = 30.0
    secure_cookies: bool = False
    #: The dialer: the trunk endpoint it dials out on, and how long a lead's phone rings
    #: (never under the law's 15 s)...
    dialer_trunk: str = "trunk"
    dialer_ring_seconds: int = 30
    #: ...and in predictive campaigns, which hang up sooner: a dial still ringing holds a
    #: place under the abandon cap's worst-case bound (docs/dialer.md, "Ring time").
    dialer_predictive_ring_seconds: int = 18
    log_level: str = "INFO"
    log_format: str = "text"

    def with_overrides(self, **values: object) -> "Settings":
        return replace(self, **{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]


def from_env(environ: Mapping[str, str] | None = None, base: Settings | None = None) -> Settings:
    """Defaults overridden by ``CALLCENTER_<NAME>`` variables, each checked for its type."""
    environ = os.environ if environ is None else environ
    settings = base or Settings()
    values: dict[str, object] = {}
    for f in fields(Settings):
        key = f"CALLCENTER_{f.name.upper()}"
        if key in environ:
            values[f.name] = _convert(key, environ[key], type(getattr(settings, f.name)))
    result = replace(settings, **values)  # type: ignore[arg-type]
    validate(result)
    return result


def _convert(key: str, raw: str, kind: type) -> object:
    try:
        if kind is bool:
            if raw.lower() not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(raw)
            return raw.lower() in {"1", "true", "yes"}
        if issubclass(kind, Path):
            return Path(raw)
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        return raw
    except ValueError:
        raise SettingsError(f"{key}={raw!r} is not a valid {kind.__name__}") from None


def validate(s: Settings) -> None:
    for name in ("http_port", "agi_port", "ami_port"):
        port = getattr(s, name)
        if not 0 <= port <= 65535:
            raise SettingsError(f"CALLCENTER_{name.upper()}={port} is not a TCP port")
    if s.ami_auth not in {"plain", "md5"}:
        raise SettingsError(f"CALLCENTER_AMI_AUTH={s.ami_auth!r}: use plain or md5")
    if not 5 <= s.ring_timeout <= 120:
        raise SettingsError(f"CALLCENTER_RING_TIMEOUT={s.ring_timeout}: use 5..120 seconds")
    for name in ("dialer_ring_seconds", "dialer_predictive_ring_seconds"):
        seconds = getattr(s, name)
        if not 15 <= seconds <= 120:
            raise SettingsError(
                f"CALLCENTER_{name.upper()}={seconds}: use 15..120 (the law's minimum ring is 15 s)"
            )
    if not 0 <= s.wrap_up_seconds <= 3600:
        raise SettingsError(f"CALLCENTER_WRAP_UP_SECONDS={s.wrap_up_seconds}: use 0..3600")
    if not 0 < s.service_level_seconds <= 3600:
        raise SettingsError(
            f"CALLCENTER_SERVICE_LEVEL_SECONDS={s.service_level_seconds}: use 0..3600"
        )
    if not 0 <= s.service_level_target <= 1:
        raise SettingsError(f"CALLCENTER_SERVICE_LEVEL_TARGET={s.service_level_target}: use 0..1")
    if not 0 < s.wait_warn_seconds <= s.wait_alert_seconds:
        raise SettingsError(
            f"CALLCENTER_WAIT_WARN_SECONDS={s.wait_warn_seconds}: use 0 < warn <= "
            f"CALLCENTER_WAIT_ALERT_SECONDS ({s.wait_alert_seconds})"
        )
    if not 100 <= s.queue_poll_ms <= 5000:
        raise SettingsError(f"CALLCENTER_QUEUE_POLL_MS={s.queue_poll_ms}: use 100..5000")
    if not 0 <= s.preferred_agent_days <= 3650:
        raise SettingsError(
            f"CALLCENTER_PREFERRED_AGENT_DAYS={s.preferred_agent_days}: use 0..3650"
        )
    if s.log_format not in {"text", "json"}:
        raise SettingsError(f"CALLCENTER_LOG_FORMAT={s.log_format!r}: use text or json")
    if s.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(f"CALLCENTER_LOG_LEVEL={s.log_level!r}: use DEBUG..CRITICAL")
    if not s.queues_file.is_file():
        raise SettingsError(f"CALLCENTER_QUEUES_FILE={s.queues_file} is not a file")
    if not s.flows_dir.is_dir():
        raise SettingsError(f"CALLCENTER_FLOWS_DIR={s.flows_dir} is not a directory")
