"""`domoguard apply` / `undo` against a real Home Assistant: the exact changes read back from HA's own
API, undo restoring every before-state, an action HA rejects rolling back what came before it, HA
stopped mid-apply and the CLI killed mid-apply both recovered from the journal at the next run.

The MQTT plug's child lock is a real MQTT switch: a small responder plays the plug (it answers
commands on `zigbee2mqtt/Kitchen plug/set` with the new state, after an optional delay), so HA's
state follows only when the "device" confirms, as with Zigbee2MQTT.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import PLUG, Cli, LiveHome, hf

LOCK_UID = "doorlock_44e1c2_lock"
CAMERA_UID = "indoorcam_7f3a91_camera"
CHILD_LOCK_UID = f"{PLUG}_child_lock_zigbee2mqtt"
PLUG_TOPIC = "zigbee2mqtt/Kitchen plug"


class PlugResponder:
    """Plays the Zigbee plug: applies commands to its state and publishes it back after `delay` s."""

    def __init__(self, home: LiveHome) -> None:
        self.broker = home.broker
        self.delay = 0.0
        self.state = {"state": "ON", "child_lock": "UNLOCK", "linkquality": 120}
        self.commands: list[str] = []
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        # One answer at a time: each publish is a separate mosquitto_pub process, and two running at
        # once can reach the broker in either order, leaving HA with the older state.
        self._publish = threading.Lock()
        self._pending = 0   # answers not yet published (a delayed one can outlive its test)
        self._count = threading.Condition()

    def __enter__(self) -> "PlugResponder":
        b = self.broker
        self._proc = subprocess.Popen(
            ["mosquitto_sub", "-h", b.host, "-p", str(b.port), "-u", b.username, "-P", b.password,
             "-t", f"{PLUG_TOPIC}/set"], stdout=subprocess.PIPE, text=True)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        time.sleep(0.5)  # subscribed before the first command
        return self

    def _run(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            payload = line.strip()
            self.commands.append(payload)
            try:
                change = json.loads(payload)
            except json.JSONDecodeError:
                change = {"state": payload}
            if not isinstance(change, dict):
                change = {"state": payload}
            with self._count:
                self._pending += 1
            threading.Thread(target=self._answer, args=(change, self.delay), daemon=True).start()

    def _answer(self, change: dict, delay: float) -> None:
        time.sleep(delay)
        with self._publish:
            self.state.update(change)
            try:
                self.broker.publish(PLUG_TOPIC, json.dumps(self.state))
            except Exception:  # the broker is gone at teardown
                pass
        with self._count:
            self._pending -= 1
            self._count.notify_all()

    def wait_idle(self, timeout: float = 15.0) -> None:
        """Until every command received so far has been answered."""
        with self._count:
            assert self._count.wait_for(lambda: self._pending == 0, timeout), "the plug never answered"

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)


@pytest.fixture(scope="module")
def plug(home: LiveHome):
    with PlugResponder(home) as r:
        yield r


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "history.db"


def hub_args(home: LiveHome, db: Path) -> list[str]:
    return ["--url", home.ha.ws_url, "--token-file", str(home.token_file), "--db", str(db)]


def exposed(home: LiveHome) -> dict[str, dict]:
    with home.ha.ws() as ws:
        return ws.call("homeassistant/expose_entity/list")["exposed_entities"]


def is_exposed(home: LiveHome, entity_id: str, assistant: str = "conversation") -> bool:
    return bool(exposed(home).get(entity_id, {}).get(assistant))


def read_target(home: LiveHome, step: dict) -> str:
    """What HA holds for one plan step, read through HA's API independently of DomoGuard."""
    kind, target, param = step["kind"], step["target"], step["param"]
    with home.ha.ws() as ws:
        if kind == "set_exposure":
            exp = ws.call("homeassistant/expose_entity/list")["exposed_entities"]
            return "true" if exp.get(target, {}).get(param) else "false"
        if kind == "set_expose_new":
            return "true" if ws.call("homeassistant/expose_new_entities/get", assistant=param)["expose_new"] else "false"
        if kind in ("disable_entity", "hide_entity"):
            e = ws.call("config/entity_registry/get", entity_id=target)
            return "true" if e["disabled_by" if kind == "disable_entity" else "hidden_by"] else "false"
        if kind == "set_analytics":
            return "true" if ws.call("analytics")["preferences"].get(param) else "false"
    s = home.state(target)
    return s["state"] if s else "<missing>"


def run_json(cli: Cli, *args: str, timeout: float = 180) -> tuple[int, dict, str]:
    proc = cli.run(*args, "--format", "json", timeout=timeout)
    try:
        doc = json.loads(proc.stdout) if proc.stdout.strip() else {}
    except json.JSONDecodeError:
        doc = {}
    return proc.returncode, doc, proc.stderr


def journal(db: Path) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        plans = [dict(r) for r in con.execute("SELECT * FROM plans ORDER BY id")]
        for p in plans:
            p["steps"] = [dict(r) for r in con.execute("SELECT * FROM plan_steps WHERE plan=? ORDER BY idx", (p["id"],))]
        return plans
    finally:
        con.close()


def write_plan(path: Path, actions: list[dict]) -> Path:
    path.write_text(json.dumps({"kind": "test", "selector": "test", "actions": actions}))
    return path


def test_fix_lock_voice_exposure_then_undo(cli: Cli, home: LiveHome, db: Path) -> None:
    lock = home.entity_id(LOCK_UID)
    assert is_exposed(home, lock), "the fixture home exposes the lock to Assist"
    audit = cli.audit_json("--url", home.ha.ws_url, "--token-file", str(home.token_file))
    dev = home.device_id(LOCK_UID)
    finding = next(f for f in audit["findings"] if f["rule"] == "DG-VOI-001" and f["subject"]["id"] == dev)
    key = f"{finding['rule']}|{finding['subject']['kind']}:{finding['subject']['id']}"
    before = exposed(home)

    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--fix", key, "--yes")
    assert rc == 0, err
    assert doc["ok"] and not doc["rolled_back"]
    changed = [s for s in doc["steps"] if s["outcome"] == "changed"]
    assert {(s["kind"], s["target"], s["param"], s["after"]) for s in changed} == \
        {("set_exposure", lock, "conversation", "false")}
    after = exposed(home)
    assert not after.get(lock, {}).get("conversation")
    # Nothing else changed.
    assert {k: v for k, v in after.items() if k != lock} == {k: v for k, v in before.items() if k != lock}
    entry = journal(db)[-1]
    assert entry["state"] == "applied" and entry["steps"][0]["before"] == "true"
    assert (db.stat().st_mode & 0o777) == 0o600

    # Applying it again changes nothing.
    rc, doc2, err = run_json(cli, "apply", *hub_args(home, db), "--fix", key, "--yes")
    assert rc in (0, 2), err  # 2: the finding is gone, so there is nothing to fix any more
    if rc == 0:
        assert all(s["outcome"] == "unchanged" for s in doc2["steps"])

    rc, doc, err = run_json(cli, "undo", *hub_args(home, db))
    assert rc == 0, err
    assert exposed(home) == before
    assert journal(db)[0]["state"] == "undone"


def test_reviewed_plan_file_is_applied_as_reviewed_and_undone_by_plan_id(cli: Cli, home: LiveHome, db: Path,
                                                                         tmp_path: Path) -> None:
    """`apply --plan FILE` carries out the plan a person reviewed, refuses it once altered, and
    `undo PLAN_ID` puts back what that plan changed, all through the domoguard/* verbs."""
    lock = home.entity_id(LOCK_UID)
    assert is_exposed(home, lock), "the fixture home exposes the lock to Assist"
    audit = cli.audit_json("--url", home.ha.ws_url, "--token-file", str(home.token_file))
    dev = home.device_id(LOCK_UID)
    finding = next(f for f in audit["findings"] if f["rule"] == "DG-VOI-001" and f["subject"]["id"] == dev)
    key = f"{finding['rule']}|{finding['subject']['kind']}:{finding['subject']['id']}"
    before = exposed(home)
    rc, reviewed, err = run_json(cli, "plan", "--url", home.ha.ws_url, "--token-file", str(home.token_file), "--fix", key)
    assert rc == 0, err

    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps({**reviewed, "actions": [{**reviewed["actions"][0], "after": "true"}]}))
    proc = cli.run("apply", *hub_args(home, db), "--plan", str(altered), "--yes")
    assert proc.returncode == 2, proc.stderr
    assert "not the plan that was reviewed" in proc.stderr
    assert exposed(home) == before and not journal(db)

    plan_file = tmp_path / "reviewed.json"
    plan_file.write_text(json.dumps(reviewed))
    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--plan", str(plan_file), "--yes",
                            "--verify-timeout", "10000")
    assert rc == 0, err
    assert doc["ok"] and doc["plan"]["id"] == reviewed["id"]
    assert not is_exposed(home, lock)

    rc, doc, err = run_json(cli, "undo", reviewed["id"], *hub_args(home, db))
    assert rc == 0, err
    assert doc["ok"] and doc["plan"]["kind"] == "undo"
    assert exposed(home) == before
    assert journal(db)[0]["state"] == "undone"
    proc = cli.run("undo", reviewed["id"], *hub_args(home, db))
    assert proc.returncode == 2 and "with changes left to undo" in proc.stderr


def test_child_safe_on_then_off_restores_everything(cli: Cli, home: LiveHome, plug: PlugResponder, db: Path) -> None:
    child_lock = home.entity_id(CHILD_LOCK_UID)
    home.wait_state(child_lock, "off")
    rc, preview, err = run_json(cli, "plan", "--url", home.ha.ws_url, "--token-file", str(home.token_file),
                                "--child-safe", "on")
    assert rc == 0, err
    targets = preview["actions"]
    assert any(a["kind"] == "switch" and a["target"] == child_lock and a["after"] == "on" for a in targets)
    before = {(a["kind"], a["target"], a["param"]): read_target(home, a) for a in targets}

    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--child-safe", "on", "--yes")
    assert rc == 0, f"{err}\n{json.dumps(doc, indent=1)}"
    assert doc["ok"]
    for s in doc["steps"]:
        assert s["outcome"] in ("changed", "unchanged"), s
        assert read_target(home, s) == s["after"], s
        assert s["before"] == before[(s["kind"], s["target"], s["param"])]
    assert home.state(child_lock)["state"] == "on"
    assert '{"child_lock": "LOCK"}' in plug.commands

    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--child-safe", "off", "--yes")
    assert rc == 0, f"{err}\n{json.dumps(doc, indent=1)}"
    for a in targets:
        assert read_target(home, a) == before[(a["kind"], a["target"], a["param"])], a
    states = {p["kind"]: p["state"] for p in journal(db)}
    assert states == {"child_safe": "undone", "undo": "applied"}


def test_action_rejected_by_ha_rolls_back_what_came_before(cli: Cli, home: LiveHome, plug: PlugResponder,
                                                            db: Path, tmp_path: Path) -> None:
    lock, cam, child_lock = home.entity_id(LOCK_UID), home.entity_id(CAMERA_UID), home.entity_id(CHILD_LOCK_UID)
    home.wait_state(child_lock, "off")
    with home.ha.ws() as ws:
        select = next(s for s in ws.call("get_states") if s["entity_id"].startswith("select."))
    exp_before = exposed(home)
    plan = write_plan(tmp_path / "plan.json", [
        {"kind": "set_exposure", "target": lock, "param": "conversation", "after": "false"},
        {"kind": "switch", "target": child_lock, "after": "on"},
        {"kind": "set_exposure", "target": cam, "param": "conversation", "after": "false"},
        {"kind": "select_option", "target": select["entity_id"], "after": "no-such-option"},
        {"kind": "hide_entity", "target": lock, "after": "true"},
    ])
    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--plan", str(plan), "--yes")
    assert rc == 5, err
    assert doc["rolled_back"] and doc["failed_step"] == 3
    assert select["entity_id"] in doc["error"]["message"]
    # HA's own refusal, with its code, names the failing action.
    assert "service_validation_error" in doc["error"]["message"]
    assert [s["outcome"] for s in doc["steps"]] == ["reverted", "reverted", "reverted", "failed", "skipped"]
    assert exposed(home) == exp_before
    home.wait_state(child_lock, "off")
    assert home.state(select["entity_id"])["state"] == select["state"]
    with home.ha.ws() as ws:
        assert ws.call("config/entity_registry/get", entity_id=lock)["hidden_by"] is None
    assert journal(db)[-1]["state"] == "rolled_back"

    # A plan naming an entity HA does not have fails before anything is touched.
    plan = write_plan(tmp_path / "plan2.json", [
        {"kind": "set_exposure", "target": lock, "param": "conversation", "after": "false"},
        {"kind": "set_exposure", "target": "lock.does_not_exist", "param": "conversation", "after": "false"},
    ])
    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--plan", str(plan), "--yes")
    assert rc == 5, err
    assert "lock.does_not_exist" in doc["error"]["message"]
    assert exposed(home) == exp_before
    assert "lock.does_not_exist" not in exposed(home)


def _start_apply(cli: Cli, home: LiveHome, db: Path, plan: Path) -> subprocess.Popen:
    return subprocess.Popen([str(cli.binary), "apply", *hub_args(home, db), "--plan", str(plan), "--yes",
                             "--verify-timeout", "30000", "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_step_done(db: Path, index: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            try:
                plans = journal(db)
                if plans and any(s["idx"] == index and s["state"] in ("done", "verified") for s in plans[-1]["steps"]):
                    return
            except sqlite3.Error:
                pass
        time.sleep(0.05)
    raise AssertionError(f"step {index} never started")


def test_ha_stopped_mid_apply_is_rolled_back_at_the_next_run(cli: Cli, home: LiveHome, plug: PlugResponder,
                                                               db: Path, tmp_path: Path) -> None:
    lock, cam, child_lock = home.entity_id(LOCK_UID), home.entity_id(CAMERA_UID), home.entity_id(CHILD_LOCK_UID)
    home.wait_state(child_lock, "off")
    exp_before = exposed(home)
    plan = write_plan(tmp_path / "plan.json", [
        {"kind": "set_exposure", "target": lock, "param": "conversation", "after": "false"},
        {"kind": "switch", "target": child_lock, "after": "on"},
        {"kind": "set_exposure", "target": cam, "param": "conversation", "after": "false"},
    ])
    plug.delay = 8.0  # the plug confirms slowly: HA goes away while the CLI waits to verify
    try:
        proc = _start_apply(cli, home, db, plan)
        _wait_step_done(db, 1)
        home.ha.restart_clean_stop()
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 3, f"{proc.returncode}: {err}"
        entry = journal(db)[-1]
        assert entry["state"] == "applying", entry
        home.ha.restart()  # start again on the same config, port and token
    finally:
        plug.delay = 0.0
    home.ha.wait_for(lambda: (home.state(child_lock) or {}).get("state") in ("on", "off"),
                     "the child lock back after the restart", 60)
    # The lock's exposure change survived the restart in HA's registry: the half-applied plan is real.
    assert not is_exposed(home, lock)

    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--plan", str(plan), "--yes")
    assert rc == 0, err
    assert "rolled back plan" in err.lower()
    plans = journal(db)
    assert plans[0]["state"] == "rolled_back"
    assert doc["recovered"] == [plans[0]["id"]]
    assert plans[-1]["state"] == "applied"
    assert not is_exposed(home, lock) and not is_exposed(home, cam)
    home.wait_state(child_lock, "on")

    rc, doc, err = run_json(cli, "undo", *hub_args(home, db))
    assert rc == 0, err
    assert exposed(home) == exp_before
    home.wait_state(child_lock, "off")


def test_journal_intact_after_kill_9_mid_apply(cli: Cli, home: LiveHome, plug: PlugResponder,
                                                 db: Path, tmp_path: Path) -> None:
    lock, child_lock = home.entity_id(LOCK_UID), home.entity_id(CHILD_LOCK_UID)
    home.wait_state(child_lock, "off")
    exp_before = exposed(home)
    plan = write_plan(tmp_path / "plan.json", [
        {"kind": "set_exposure", "target": lock, "param": "conversation", "after": "false"},
        {"kind": "switch", "target": child_lock, "after": "on"},
        {"kind": "hide_entity", "target": lock, "after": "true"},
    ])
    plug.delay = 3.0
    try:
        proc = _start_apply(cli, home, db, plan)
        _wait_step_done(db, 1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        plug.delay = 0.0
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    entry = journal(db)[-1]
    assert entry["state"] == "applying"
    assert [s["before"] for s in entry["steps"]] == ["true", "off", "false"]
    assert entry["steps"][0]["state"] == "verified"
    assert entry["steps"][1]["state"] in ("done", "verified")
    assert entry["steps"][2]["state"] == "pending"
    home.wait_state(child_lock, "on")  # the plug confirmed after the CLI died
    plug.wait_idle()  # and has nothing more in flight that could land during recovery

    # The next run recovers first: everything the killed run changed is put back.
    proc = cli.run("undo", *hub_args(home, db))
    assert "rolled back plan" in proc.stderr.lower()
    assert proc.returncode == 2  # then: nothing applied to undo
    assert journal(db)[-1]["state"] == "rolled_back"
    assert exposed(home) == exp_before
    home.wait_state(child_lock, "off")
    with home.ha.ws() as ws:
        assert ws.call("config/entity_registry/get", entity_id=lock)["hidden_by"] is None


@pytest.mark.parametrize("selector", [("--level", "basic"), ("--level", "recommended"), ("--level", "strict"),
                                      ("--scenario", "home"), ("--scenario", "away"), ("--scenario", "guests"),
                                      ("--scenario", "night")],
                         ids=lambda s: "-".join(x.lstrip("-") for x in s))
def test_each_level_and_scenario_applies_exactly_and_undoes(cli: Cli, home: LiveHome, plug: PlugResponder, db: Path,
                                                            tmp_path: Path, selector: tuple[str, str]) -> None:
    """Every level and scenario: HA holds exactly the planned values afterwards, and undo puts back
    every before-value, read through HA's own API. (A scenario that finds nothing to change in this
    home gives an empty plan, which is checked to change nothing.)"""
    # Start from a quiet home: late answers of earlier tests' slow plug must not land in this one.
    plug.wait_idle()
    home.wait_state(home.entity_id(CHILD_LOCK_UID), plug.state["child_lock"] == "LOCK" and "on" or "off")
    rc, preview, err = run_json(cli, "plan", "--url", home.ha.ws_url, "--token-file", str(home.token_file), *selector)
    assert rc == 0, err
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(preview))
    targets = preview["actions"]
    before = {(a["kind"], a["target"], a["param"]): read_target(home, a) for a in targets}

    # Apply exactly the plan that was previewed (as a household confirms what it saw).
    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--plan", str(plan_file), "--yes")
    assert rc == 0, f"{err}\n{json.dumps(doc, indent=1)}"
    assert doc["ok"] and len(doc["steps"]) == len(targets)
    for s in doc["steps"]:
        assert s["outcome"] in ("changed", "unchanged"), s
        assert read_target(home, s) == s["after"], s
        assert s["before"] == before[(s["kind"], s["target"], s["param"])], s
    plug.wait_idle()
    if not any(s["outcome"] == "changed" for s in doc["steps"]):
        return  # the home already met it: nothing to undo
    rc, doc, err = run_json(cli, "undo", *hub_args(home, db))
    assert rc == 0, f"{err}\n{json.dumps(doc, indent=1)}"
    plug.wait_idle()
    for a in targets:
        assert read_target(home, a) == before[(a["kind"], a["target"], a["param"])], a


def test_daemon_killed_mid_plan_rolls_it_back_at_restart(daemon_binary: Path, cli: Cli, home: LiveHome,
                                                          plug: PlugResponder, db: Path) -> None:
    """domoguardd killed (-9) in the middle of child-safe mode: at its next start, once connected, it
    rolls the plan back and says so (log, notification, event log); the settings say child-safe is
    off, and undo then undoes the plan applied before it. The kill point is exact: a test-only hook
    (DOMOGUARD_TEST_PAUSE_AFTER_STEP) holds the daemon once the first change is journalled."""
    lock, child_lock = home.entity_id(LOCK_UID), home.entity_id(CHILD_LOCK_UID)
    plug.wait_idle()
    home.wait_state(child_lock, "off")
    exp_before = exposed(home)

    # A first plan, applied in full by the CLI on the same database: the one a later undo must undo.
    audit = cli.audit_json("--url", home.ha.ws_url, "--token-file", str(home.token_file))
    dev = home.device_id(LOCK_UID)
    finding = next(f for f in audit["findings"] if f["rule"] == "DG-VOI-001" and f["subject"]["id"] == dev)
    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--fix",
                            f"{finding['rule']}|{finding['subject']['kind']}:{finding['subject']['id']}", "--yes")
    assert rc == 0 and doc["ok"], err
    first_id = doc["journal_id"]
    assert not is_exposed(home, lock)

    d = hf.Domoguardd(daemon_binary, home.ha.ws_url, home.token_file, db, notify=True,
                      env={"DOMOGUARD_TEST_PAUSE_AFTER_STEP": "1"})
    with d:
        preview = d.api("domoguard/plan", selector=["--child-safe", "on"])
        assert len([a for a in preview["actions"] if read_target(home, a) != a["after"]]) >= 2, preview
        mark = d.mark()
        d.send("domoguard/apply", selector=["--child-safe", "on"], user="Alex")
        m = d.wait_line(r"test hook: paused after change 1 of journal entry (\d+)", since=mark, timeout=60)
        cut_id = int(m.group(1))
        d.kill()
        entry = next(p for p in journal(db) if p["id"] == cut_id)
        assert entry["state"] == "applying", entry
        done = [s for s in entry["steps"] if s["state"] == "verified"]
        assert len(done) == 1 and all(s["state"] in ("pending", "unchanged") for s in entry["steps"] if s not in done)
        changed = done[0]
        step = {"kind": changed["kind"], "target": changed["target"], "param": changed["param"]}
        assert read_target(home, step) == changed["after"]  # the hub holds the half-applied change

        d.env = None  # the next start runs as in production
        mark = d.mark()
        d.start()
        d.wait_line(rf"Rolled back plan {cut_id}, interrupted earlier", since=mark, timeout=30)
        plug.wait_idle()
        entry = next(p for p in journal(db) if p["id"] == cut_id)
        assert entry["state"] == "rolled_back", entry
        assert read_target(home, step) == changed["before"]
        home.wait_state(child_lock, "off")
        settings = d.api("domoguard/settings")
        assert settings["child_safe"]["on"] is False
        with home.ha.ws() as ws:
            notes = ws.call("persistent_notification/get")
        assert any(n["notification_id"] == "domoguard_recovered" and str(cut_id) in n["message"] for n in notes)
        events = sqlite3.connect(db).execute(
            "SELECT subject FROM event_log WHERE kind='plan_recovered'").fetchall()
        assert (f"journal:{cut_id}",) in events

        # Undo now undoes the plan applied before the interrupted one, and the home is as it was.
        undone = d.api("domoguard/undo")
        assert undone["ok"], undone
        states = {p["id"]: p["state"] for p in journal(db)}
        assert states[first_id] == "undone" and states[cut_id] == "rolled_back"
        assert exposed(home) == exp_before
