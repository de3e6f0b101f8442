"""The app's run script (manifests/addon/domoguard/rootfs/usr/bin/domoguard-run) starts the real
domoguardd against a real Home Assistant, exactly as the container would: options from an options file,
SUPERVISOR_TOKEN in the environment. Each option maps to its daemon flag; the daemon comes up, audits
the live hub, and serves /healthz and the API on the port it reports. Needs root (tests/live)."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path

import pytest

from conftest import BIN, RUN_SCRIPT, AddonDaemon, LiveHome, panel_dir
from live_conftest import PLUG

pytestmark = pytest.mark.live

DEFAULTS = {"language": "auto", "privacy_by_default": True, "notify": True, "log_level": "info"}


def healthz(port: int, host: str = "127.0.0.1") -> dict:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://{host}:{port}/healthz", timeout=10) as resp:
        assert resp.status == 200
        return json.loads(resp.read())


def expected_argv(db: Path, url: str, lang: str, *flags: str, panel: bool = True, level: str = "info") -> list[str]:
    argv = [str(BIN / "domoguardd"), "--addon", "--lang", lang, "--db", str(db), "--url", url,
            "--listen", "0.0.0.0:0"]
    if panel and panel_dir():
        argv += ["--panel-dir", str(panel_dir())]
    return argv + list(flags) + ["--log-level", level]


def set_ha_language(home: LiveHome, lang: str) -> None:
    with home.ha.ws() as ws:
        ws.call("config/core/update", language=lang)
    home.ha.wait_for(lambda: home.ha.http("GET", "/api/config")[1].get("language") == lang,
                     f"HA language {lang}")


def test_defaults_start_the_daemon_against_the_live_hub(home: LiveHome, addon_env: dict, tmp_path: Path) -> None:
    db = tmp_path / "domoguard.db"
    with AddonDaemon(DEFAULTS, addon_env, db) as d:
        # language auto → Home Assistant's own language (the fixture onboards it in English).
        assert d.argv == expected_argv(db, home.ha.ws_url, "en")
        assert d.host == "0.0.0.0"  # add-on mode binds every interface; the peer filter guards it
        body = healthz(d.port)
        assert body["success"] is True and body["result"]["devices"] > 30
        status = d.api("domoguard/status")
        with home.ha.ws() as ws:
            assert status["ready"] is True and status["hub_version"] == ws.ha_version
        # The audit is of this hub: the MQTT plug with its child lock off gives DG-CHI-001.
        plug = home.device_id(f"{PLUG}_child_lock_zigbee2mqtt")
        keys = {(f["rule"], f["subject"]["id"]) for f in d.api("domoguard/audit")["findings"]}
        assert ("DG-CHI-001", plug) in keys
        assert db.exists()
        # The token is in the environment only: never on the command line, never in the log.
        assert home.ha.token not in " ".join(d.argv)
        assert not any(home.ha.token in line for line in d.lines)
        assert any("starting domoguardd: language en, privacy by default true, notifications true" in line
                   for line in d.lines)
        pid = d.pid
        # The script execs the daemon: S6's SIGTERM reaches the daemon itself, which stops cleanly.
        assert Path(f"/proc/{pid}/exe").resolve() == (BIN / "domoguardd").resolve()
        mark = d.mark()
        assert d.stop() == 0
        assert any("stopping" in line for line in d.lines[mark:])


@pytest.mark.parametrize("options,lang,flags", [
    ({"language": "de", "privacy_by_default": False, "notify": True, "log_level": "info"},
     "de", ["--no-privacy-default"]),
    ({"language": "nl", "privacy_by_default": True, "notify": False, "log_level": "warning"},
     "nl", ["--no-notify"]),
    ({"language": "fr", "privacy_by_default": False, "notify": False, "log_level": "debug"},
     "fr", ["--no-privacy-default", "--no-notify"]),
], ids=["de-no-privacy-default", "nl-no-notify", "fr-both-off-debug"])
def test_each_option_maps_to_its_daemon_flag(home: LiveHome, addon_env: dict, tmp_path: Path,
                                            options: dict, lang: str, flags: list[str]) -> None:
    db = tmp_path / "domoguard.db"
    with AddonDaemon(options, addon_env, db) as d:
        assert d.argv == expected_argv(db, home.ha.ws_url, lang, *flags, level=options["log_level"])
        assert healthz(d.port)["success"] is True
        assert d.api("domoguard/status")["ready"] is True
        started = [line for line in d.lines if "starting domoguardd" in line]
        if options["log_level"] == "warning":
            assert started == []  # info lines of the script are left out
            assert not [line for line in d.lines if "full audit" in line]  # and of the daemon
        else:
            assert started
        debug = [line for line in d.lines if "debug:" in line]
        assert bool(debug) == (options["log_level"] == "debug")
        if debug:  # the full command, and still no token
            assert "--addon" in debug[0] and home.ha.token not in debug[0]


@pytest.mark.parametrize("ha_lang,lang", [("fr", "fr"), ("es-419", "es"), ("pt-BR", "en")])
def test_language_auto_follows_home_assistant(home: LiveHome, addon_env: dict, tmp_path: Path,
                                             ha_lang: str, lang: str) -> None:
    set_ha_language(home, ha_lang)
    try:
        with AddonDaemon(DEFAULTS, addon_env, tmp_path / "domoguard.db", wait_audit=False) as d:
            assert d.argv[d.argv.index("--lang") + 1] == lang
            if lang == "en":
                assert any("no translation for Home Assistant's language 'pt-BR'" in line for line in d.lines)
    finally:
        set_ha_language(home, "en")


def run_script(env: dict[str, str], options: object, tmp_path: Path) -> subprocess.CompletedProcess:
    opts = tmp_path / "options.json"
    opts.write_text(options if isinstance(options, str) else json.dumps(options))
    full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOMOGUARD_BIN": str(BIN),
            "DOMOGUARD_OPTIONS": str(opts), "DOMOGUARD_DB": str(tmp_path / "x.db"), **env}
    return subprocess.run([str(RUN_SCRIPT)], env=full, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("options,message", [
    ({**DEFAULTS, "language": "it"}, "language must be auto, en, de, fr, es or nl"),
    ({**DEFAULTS, "privacy_by_default": "maybe"}, "privacy_by_default must be true or false"),
    ({**DEFAULTS, "notify": 1}, "notify must be true or false"),
    ({**DEFAULTS, "log_level": "trace"}, "log_level must be debug, info, warning or error"),
    ("[1, 2]", "does not hold a JSON object"),
    ("{not json", "does not hold a JSON object"),
])
def test_bad_options_are_refused_before_the_daemon_starts(tmp_path: Path, options: object, message: str) -> None:
    proc = run_script({"SUPERVISOR_TOKEN": "unused"}, options, tmp_path)
    assert proc.returncode == 2 and message in proc.stderr
    assert not (tmp_path / "x.db").exists()


def test_no_token_is_refused(tmp_path: Path) -> None:
    proc = run_script({}, DEFAULTS, tmp_path)
    assert proc.returncode == 2 and "SUPERVISOR_TOKEN is not set" in proc.stderr


def test_legacy_token_name_is_accepted(home: LiveHome, tmp_path: Path) -> None:
    env = {"HASSIO_TOKEN": home.ha.token, "DOMOGUARD_HA_URL": home.ha.ws_url}
    with AddonDaemon(DEFAULTS, env, tmp_path / "domoguard.db") as d:
        assert d.api("domoguard/status")["ready"] is True
        # No panel folder: the daemon is started without --panel-dir, and the script says why.
        assert d.argv == expected_argv(tmp_path / "domoguard.db", home.ha.ws_url, "en", panel=False)
        assert any("no built panel in /nonexistent" in line for line in d.lines)
