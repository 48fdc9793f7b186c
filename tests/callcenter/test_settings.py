"""Settings: environment variables are typed and checked, errors name the variable."""

from pathlib import Path

import pytest

from acd.queue_config import QueueConfigError
from callcenter.queues import load_queue_file
from callcenter.settings import Settings, SettingsError, from_env


def test_defaults_are_valid() -> None:
    settings = from_env({})
    assert settings == Settings()


def test_environment_overrides_with_types() -> None:
    settings = from_env(
        {
            "CALLCENTER_HTTP_PORT": "9000",
            "CALLCENTER_WRAP_UP_SECONDS": "12.5",
            "CALLCENTER_SECURE_COOKIES": "yes",
            "CALLCENTER_AMI_HOST": "pbx.local",
        }
    )
    assert settings.http_port == 9000
    assert settings.wrap_up_seconds == 12.5
    assert settings.secure_cookies is True
    assert settings.ami_host == "pbx.local"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CALLCENTER_HTTP_PORT": "eighty"}, "CALLCENTER_HTTP_PORT='eighty'"),
        ({"CALLCENTER_AGI_PORT": "70000"}, "CALLCENTER_AGI_PORT=70000"),
        ({"CALLCENTER_AMI_AUTH": "sha1"}, "CALLCENTER_AMI_AUTH='sha1'"),
        ({"CALLCENTER_SECURE_COOKIES": "maybe"}, "CALLCENTER_SECURE_COOKIES='maybe'"),
        ({"CALLCENTER_RING_TIMEOUT": "1"}, "CALLCENTER_RING_TIMEOUT=1"),
        ({"CALLCENTER_FLOWS_DIR": "/nonexistent/flows"}, "CALLCENTER_FLOWS_DIR=/nonexistent/flows"),
        ({"CALLCENTER_SERVICE_LEVEL_TARGET": "80"}, "CALLCENTER_SERVICE_LEVEL_TARGET=80.0"),
        ({"CALLCENTER_SERVICE_LEVEL_SECONDS": "0"}, "CALLCENTER_SERVICE_LEVEL_SECONDS=0.0"),
        ({"CALLCENTER_WAIT_WARN_SECONDS": "90"}, "CALLCENTER_WAIT_WARN_SECONDS=90.0"),
        ({"CALLCENTER_PREFERRED_AGENT_DAYS": "-1"}, "CALLCENTER_PREFERRED_AGENT_DAYS=-1.0"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as refused:
        from_env(env)
    assert named in str(refused.value)


def test_flags_override_the_environment(tmp_path: Path) -> None:
    settings = from_env({"CALLCENTER_HTTP_PORT": "9000"}).with_overrides(
        http_port=9100, db_url=None
    )
    assert settings.http_port == 9100
    assert settings.db_url == Settings().db_url


def test_json_log_lines_carry_the_call_and_agent(capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import logging

    from callcenter.logs import configure

    configure("INFO", "json")
    logging.getLogger("callcenter.test").info(
        "offered %s", "c1", extra={"call_id": "c1", "agent_id": "alice"}
    )
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["msg"] == "offered c1"
    assert (line["call_id"], line["agent_id"], line["level"]) == ("c1", "alice", "INFO")


def test_a_queue_file_that_is_not_there_is_refused_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="CALLCENTER_QUEUES_FILE"):
        from_env({"CALLCENTER_QUEUES_FILE": str(tmp_path / "nowhere.yaml")})


def test_a_wrong_queue_file_stops_the_start_naming_the_file_and_the_place(
    tmp_path: Path,
) -> None:
    path = tmp_path / "queues.yaml"
    path.write_text("support: {steps: [{skills: {support: 12}}]}\n", encoding="utf-8")
    with pytest.raises(QueueConfigError) as refused:
        load_queue_file(path, 30)
    assert str(refused.value).startswith(f"{path}: support.steps[0].skills.support: ")


def test_the_packaged_queue_file_is_valid() -> None:
    assert load_queue_file(Settings().queues_file, 30)


def test_the_dialer_ring_time_is_refused_under_the_laws_fifteen_seconds() -> None:
    with pytest.raises(SettingsError, match="CALLCENTER_DIALER_RING_SECONDS"):
        from_env({"CALLCENTER_DIALER_RING_SECONDS": "10"})
    assert from_env({"CALLCENTER_DIALER_RING_SECONDS": "15"}).dialer_ring_seconds == 15


def test_the_predictive_ring_time_is_refused_under_the_laws_fifteen_seconds() -> None:
    with pytest.raises(SettingsError, match="CALLCENTER_DIALER_PREDICTIVE_RING_SECONDS=14"):
        from_env({"CALLCENTER_DIALER_PREDICTIVE_RING_SECONDS": "14"})
    env = {"CALLCENTER_DIALER_PREDICTIVE_RING_SECONDS": "15"}
    assert from_env(env).dialer_predictive_ring_seconds == 15
