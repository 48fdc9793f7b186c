"""The other asterisk-conf/ files agree with extensions.conf and with the daemon.

pjsip.conf sends calls into contexts that exist, names agents' endpoints by extension,
and holds no real secret; features.conf has the transfer keys the agents are taught;
musiconhold.conf has the class the dialplan plays; modules.conf loads every application
the dialplan runs; the spy contexts use the ChanSpy options the daemon's commands use.
"""

from pathlib import Path

import pytest

from tests.asterisk_conf.asterisk_config import Section, read_dialplan, read_sections, resolved

CONF = Path(__file__).resolve().parents[2] / "asterisk-conf"


def sections(name: str) -> list[Section]:
    return read_sections((CONF / name).read_text())


def pjsip_of_type(kind: str) -> dict[str, dict[str, list[str]]]:
    all_sections = sections("pjsip.conf")
    out = {}
    for section in all_sections:
        options = resolved(all_sections, section)
        if not section.is_template and options.get("type") == [kind]:
            out[section.name] = options
    return out


def test_endpoints_send_calls_into_existing_contexts() -> None:
    contexts = read_dialplan((CONF / "extensions.conf").read_text()).contexts
    endpoints = pjsip_of_type("endpoint")
    assert endpoints["trunk"]["context"] == ["from-trunk"]
    for name, options in endpoints.items():
        assert options["context"][-1] in contexts, name


def test_agents_endpoints_are_named_by_extension() -> None:
    plan = read_dialplan((CONF / "extensions.conf").read_text())
    agents = {n for n, o in pjsip_of_type("endpoint").items() if o["context"] == ["from-agents"]}
    assert agents
    for name in agents:
        assert plan.find_exten("cti-agent", name) is not None, name
        assert plan.find_exten("from-agents", name) is not None, name
        assert name in pjsip_of_type("aor") and name in pjsip_of_type("auth")
        assert pjsip_of_type("endpoint")[name]["direct_media"] == ["no"]


def test_the_trunk_global_names_the_trunk_endpoint() -> None:
    plan = read_dialplan((CONF / "extensions.conf").read_text())
    assert plan.globals["TRUNK"] in pjsip_of_type("endpoint")
    identify = pjsip_of_type("identify")
    registration = pjsip_of_type("registration")
    assert [o["endpoint"] for o in identify.values()] == [[plan.globals["TRUNK"]]]
    assert [o["endpoint"] for o in registration.values()] == [[plan.globals["TRUNK"]]]


@pytest.mark.parametrize(("name", "key"), [("pjsip.conf", "password"), ("manager.conf", "secret")])
def test_no_real_secrets(name: str, key: str) -> None:
    values = [v for s in sections(name) for v in s.all(key)]
    assert values
    assert all(v.startswith("CHANGE_ME") for v in values), values


def test_transfer_keys() -> None:
    featuremap = {s.name: s for s in sections("features.conf")}["featuremap"]
    assert featuremap.get("blindxfer") == "#1"
    assert featuremap.get("atxfer") == "*2"
    assert featuremap.get("disconnect") is None


def test_the_music_class_exists() -> None:
    plan = read_dialplan((CONF / "extensions.conf").read_text())
    classes = {s.name for s in sections("musiconhold.conf")}
    assert {plan.globals["MOH_CLASS"], "default"} <= classes


#: The module that provides each dialplan application extensions.conf runs.
APP_MODULES = {
    "AGI": "res_agi.so",
    "AMD": "app_amd.so",
    "ChanSpy": "app_chanspy.so",
    "Dial": "app_dial.so",
    "MusicOnHold": "res_musiconhold.so",
    "Playback": "app_playback.so",
    "Return": "app_stack.so",
}
#: Applications built into the core (pbx_builtins, pbx.c), no module to load.
CORE_APPS = {"Answer", "Goto", "GotoIf", "Hangup", "NoOp", "Set", "Wait"}


def test_modules_load_every_application_the_dialplan_runs() -> None:
    plan = read_dialplan((CONF / "extensions.conf").read_text())
    modules = {s.name: s for s in sections("modules.conf")}["modules"]
    used = {s.app for s in plan.steps()}
    assert used - CORE_APPS <= set(APP_MODULES)
    for app in used - CORE_APPS:
        assert APP_MODULES[app] in modules.all("require"), app
        assert APP_MODULES[app] not in modules.all("noload"), app


def test_spy_options_match_the_daemon_commands() -> None:
    import cti.commands

    options = getattr(cti.commands, "SPY_OPTIONS", None)
    if options is None:
        pytest.skip("cti.commands has no SPY_OPTIONS yet")
    plan = read_dialplan((CONF / "extensions.conf").read_text())
    for mode, flags in options.items():
        spies = [s for s in plan.steps() if s.context == f"cti-spy-{mode}" and s.app == "ChanSpy"]
        assert [s.args.rpartition(",")[2] for s in spies] == [flags], mode
