"""Home Assistant killed (-9) in the middle of a plan the integration applies: at the next start the
integration rolls the plan back during its setup and says so (log, notification, event log); the
settings say child-safe mode is off and the hub holds what it held before.

The kill point is exact: the test-only hook DOMOGUARD_TEST_PAUSE_AFTER_STEP (policy/apply.cpp), set
in hass's environment for the first run only, holds the plan once its first change is verified and
journalled. The MQTT plug is played by the responder of test_apply_live.py, so its child lock is a
real MQTT switch whose state follows only when the "device" confirms. DOMOGUARD_WHEEL=path installs
that wheel instead of building one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import hass_fixture as hf
from capture_fixtures import arrange, populate
from conftest import PLUG, LiveHome
from test_apply_live import PlugResponder, journal, read_target

REPO = Path(__file__).resolve().parents[2]
COMPONENT = REPO / "bindings/homeassistant/custom_components/domoguard"
CHILD_LOCK_UID = f"{PLUG}_child_lock_zigbee2mqtt"
HOOK = re.compile(r"domoguard test hook: paused after change 1 of journal entry (\d+)")


class HomeAssistantWithDomoGuard(hf.HomeAssistant):
    """A fresh HA whose config folder holds custom_components/domoguard (no panel) before hass starts."""

    def _launch(self) -> None:
        assert self.config_dir is not None
        dest = self.config_dir / "custom_components" / "domoguard"
        if not dest.exists():
            shutil.copytree(COMPONENT, dest, ignore=shutil.ignore_patterns("__pycache__", "frontend"))
        super()._launch()


def _notifications(ha: hf.HomeAssistant) -> list[dict]:
    with ha.ws() as ws:
        return ws.call("persistent_notification/get")


def _install_wheel(root: Path) -> None:
    """DOMOGUARD_WHEEL: a wheel built already (as the benchmarks take it); else built now."""
    wheel = os.environ.get("DOMOGUARD_WHEEL")
    if not wheel:
        from test_integration_live import _install_wheel as build_and_install  # noqa: PLC0415

        build_and_install(root)
        return
    stage = Path(tempfile.mkdtemp(prefix="domoguard-wheel-", dir=root / "var/tmp"))
    try:
        shutil.copy(wheel, stage / Path(wheel).name)
        subprocess.run(
            [str(hf.HERE / "ha_run.sh"), str(root), "/opt/ha/bin/python3", "-m", "pip", "install", "-q",
             "--disable-pip-version-check", "--force-reinstall", "--no-deps",
             f"/{(stage / Path(wheel).name).relative_to(root)}"],
            check=True,
        )
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def test_ha_killed_mid_plan_is_rolled_back_at_setup(cli, broker: hf.Mosquitto, workdir: Path) -> None:
    root = hf.ensure_root()
    _install_wheel(root)
    ha = HomeAssistantWithDomoGuard(mqtt=broker)
    ha.env = {"DOMOGUARD_TEST_PAUSE_AFTER_STEP": "1"}
    with ha:
        uids = populate(ha, broker)
        arrange(ha, uids)
        home = LiveHome(ha, broker, hf.write_token_file(workdir / "recovery-token", ha.token), uids)
        home.refresh_entities()
        child_lock = home.entity_id(CHILD_LOCK_UID)
        with PlugResponder(home) as plug:
            plug.wait_idle()
            home.wait_state(child_lock, "off")
            assert ha.config_flow("domoguard", {})["type"] == "create_entry"
            ha.wait_for(lambda: (ha.http("GET", "/api/states/sensor.domoguard_home_score")[1] or {})
                        .get("state", "unknown").isdigit(), "DomoGuard's first audit", timeout=90)
            with ha.ws() as ws:
                preview = ws.call("domoguard/plan", selector=["--child-safe", "on"])
            changing = [a for a in preview["actions"] if read_target(home, a) != a["after"]]
            assert len(changing) >= 2, preview

            # Child-safe mode switched on through the integration's WebSocket command; HA is killed
            # once the first change is made and journalled.
            log = ha.config_dir / "hass.stdout"
            seen = log.stat().st_size
            ws = ha.ws()
            try:
                ws.send("domoguard/apply", selector=["--child-safe", "on"])
                deadline = time.monotonic() + 90
                while not (m := HOOK.search(log.read_bytes()[seen:].decode(errors="replace"))):
                    assert time.monotonic() < deadline, "the plan never reached its first change"
                    time.sleep(0.2)
                cut_id = int(m.group(1))
                db = ha.config_dir / ".storage" / "domoguard.db"
                entry = next(p for p in journal(db) if p["id"] == cut_id)
                assert entry["state"] == "applying", entry
                done = [s for s in entry["steps"] if s["state"] == "verified"]
                assert len(done) == 1, entry["steps"]
                step = {"kind": done[0]["kind"], "target": done[0]["target"], "param": done[0]["param"]}
                plug.wait_idle()
                assert read_target(home, step) == done[0]["after"]  # HA holds the half-applied change
                # HA writes its registries a moment after a change: give it that moment, as a hub
                # that crashes later in a long plan would have had.
                time.sleep(12)
                ha.kill()
            finally:
                ws.close()

            # The next start runs as in production.
            ha.env = None
            ha._launch()  # noqa: SLF001 - same config folder, port and token
            ha.wait_for(lambda: any(n["notification_id"] == "domoguard_recovered" and str(cut_id) in n["message"]
                                    for n in _notifications(ha)), "the recovery notification", timeout=90)
            note = next(n for n in _notifications(ha) if n["notification_id"] == "domoguard_recovered")
            assert f"Rolled back plan {cut_id}, interrupted earlier" in note["message"], note
            print(f"\n[integration] HA killed mid-plan; at restart: {note['message']!r}")
            # HA starts a new hass.log at each start (the killed run's is hass.log.1).
            assert f"Rolled back plan {cut_id}" in (ha.config_dir / "hass.log").read_text(errors="replace")

            plug.wait_idle()
            entry = next(p for p in journal(db) if p["id"] == cut_id)
            assert entry["state"] == "rolled_back", json.dumps(entry)
            assert read_target(home, step) == done[0]["before"]
            home.wait_state(child_lock, "off")
            with ha.ws() as ws:
                settings = ws.call("domoguard/settings")
            assert settings["child_safe"]["on"] is False
            con = sqlite3.connect(db)
            try:
                events = con.execute("SELECT subject FROM event_log WHERE kind='plan_recovered'").fetchall()
            finally:
                con.close()
            assert (f"journal:{cut_id}",) in events
