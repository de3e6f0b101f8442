"""Fixing and following the hub's outer doors on a real Home Assistant: a stale long-lived token revoked
in one click (a plan that says it cannot be undone, and an undo that refuses), trusted networks that
bypass the login set in configuration.yaml and found from the config folder, and the daemon following
tokens made and revoked while it runs. App protection mode needs a Supervisor, which cannot run here:
its one-click fix is proven on the in-memory port (tests/unit/test_port_conformance.cpp)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import Cli, LiveHome, hf

STALE = "DomoGuard stale script"


def live_audit(cli: Cli, home: LiveHome) -> dict:
    return cli.audit_json("--url", home.ha.ws_url, "--token-file", str(home.token_file))


def findings(report: dict, rule: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule]


def hub_args(home: LiveHome, db: Path) -> list[str]:
    return ["--url", home.ha.ws_url, "--token-file", str(home.token_file), "--db", str(db)]


def run_json(cli: Cli, *args: str, timeout: float = 180) -> tuple[int, dict, str]:
    proc = cli.run(*args, "--format", "json", timeout=timeout)
    try:
        doc = json.loads(proc.stdout) if proc.stdout.strip() else {}
    except json.JSONDecodeError:
        doc = {}
    return proc.returncode, doc, proc.stderr


def restart_with(home: LiveHome, edit) -> None:
    """Stops HA cleanly (its .storage flushed), lets `edit` change the config folder, starts it again."""
    home.ha.restart_clean_stop()
    edit(home.ha.config_dir)
    home.ha.restart()


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "history.db"


def test_stale_token_revoked_in_one_click(cli: Cli, home: LiveHome, db: Path) -> None:
    """A long-lived token made through HA's API and left unused for 120 days (its dates set in
    .storage/auth while HA is stopped): DG-TOK-001 offers to revoke it. The plan names it by its client
    name and says it cannot be undone; applied, HA no longer holds it and the audit is clean; undo
    refuses. Neither the token, nor its id, nor its hash appears in any output."""
    with home.ha.ws() as ws:
        secret = ws.call("auth/long_lived_access_token", client_name=STALE, lifespan=3650)
        made = next(t for t in ws.call("auth/refresh_tokens") if t["client_name"] == STALE)
    long_ago = (datetime.now(UTC) - timedelta(days=120)).isoformat()

    def age(config: Path) -> None:
        path = config / ".storage/auth"
        doc = json.loads(path.read_text())
        for t in doc["data"]["refresh_tokens"]:
            if t["id"] == made["id"]:
                t["created_at"], t["last_used_at"], t["last_used_ip"] = long_ago, None, None
        path.write_text(json.dumps(doc, indent=2))

    restart_with(home, age)
    hidden = [secret, made["id"]]
    report = live_audit(cli, home)
    mine = [f for f in findings(report, "DG-TOK-001") if f["subject"]["name"] == STALE]
    assert len(mine) == 1, findings(report, "DG-TOK-001")
    finding = mine[0]
    assert finding["remediation"]["kind"] == "action"
    assert [a["kind"] for a in finding["remediation"]["actions"]] == ["revoke_token"]
    for h in hidden:
        assert h not in json.dumps(report)
    key = f"DG-TOK-001|token:{finding['subject']['id']}"

    rc, plan, err = run_json(cli, "plan", *hub_args(home, db), "--fix", key)
    assert rc == 0, err
    assert [(a["kind"], a["before"], a["after"], a["undoable"]) for a in plan["actions"]] == \
        [("revoke_token", "present", "revoked", False)]
    assert STALE in plan["actions"][0]["message"]
    assert plan["irreversible"]["count"] == 1 and "cannot be undone" in plan["irreversible"]["message"].lower()
    table = cli.run("plan", *hub_args(home, db), "--fix", key)
    assert table.returncode == 0 and "Cannot be undone (1)" in table.stdout, table.stdout
    for h in hidden:
        assert h not in json.dumps(plan) and h not in table.stdout

    rc, doc, err = run_json(cli, "apply", *hub_args(home, db), "--fix", key, "--yes")
    assert rc == 0 and doc["ok"], f"{err}\n{doc}"
    assert [(s["kind"], s["outcome"]) for s in doc["steps"]] == [("revoke_token", "changed")]
    for h in hidden:
        assert h not in json.dumps(doc) and h not in err
    with home.ha.ws() as ws:
        assert not [t for t in ws.call("auth/refresh_tokens") if t["id"] == made["id"]]
    # The revoked token opens nothing any more.
    req = urllib.request.Request(f"{home.ha.url}/api/", headers={"Authorization": f"Bearer {secret}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=10)
    assert refused.value.code == 401
    report = live_audit(cli, home)
    assert not [f for f in report["findings"] if f["rule"].startswith("DG-TOK") and f["subject"]["name"] == STALE]

    # Nothing an undo could restore: not offered as the latest plan, refused by its journal id.
    proc = cli.run("undo", *hub_args(home, db))
    assert proc.returncode != 0 and "undo" in proc.stderr.lower(), proc.stderr
    proc = cli.run("undo", *hub_args(home, db), str(doc["journal_id"]))
    assert proc.returncode != 0 and "cannot be undone" in proc.stderr, proc.stderr


TRUSTED = """  auth_providers:
    - type: homeassistant
    - type: trusted_networks
      id: household
      trusted_networks:
        - 127.0.0.1
        - 192.168.0.0/16
      allow_bypass_login: true
    - type: trusted_networks
      id: everywhere
      trusted_networks:
        - 0.0.0.0/0
"""


def test_trusted_networks_bypass_login(cli: Cli, home: LiveHome) -> None:
    """configuration.yaml gives HA two trusted-networks sign-ins: one that skips the login for the home's
    ranges (allow_bypass_login) and one that trusts every IPv4 address. The real HA takes it: from a
    trusted address it offers the provider and signs in without a password. The config folder audit
    reports DG-LOG-003 and DG-LOG-004; the live audit, which HA's WebSocket API cannot tell, says why
    it did not run them. The configuration is put back afterwards."""
    original: dict[str, str] = {}

    def add_trusted(config: Path) -> None:
        path = config / "configuration.yaml"
        original["text"] = path.read_text()
        lines = original["text"].splitlines(keepends=True)
        at = lines.index("homeassistant:\n") + 1
        path.write_text("".join(lines[:at]) + TRUSTED + "".join(lines[at:]))

    restart_with(home, add_trusted)
    try:
        st, body = home.ha.http("GET", "/auth/providers", auth=False)
        assert st == 200, body
        assert {(p["type"], p["id"]) for p in body["providers"]} >= {("trusted_networks", "household"),
                                                                     ("trusted_networks", "everywhere")}
        # From 127.0.0.1 the bypassing provider signs the owner in with no password asked.
        st, flow = home.ha.http("POST", "/auth/login_flow", auth=False,
                                body={"client_id": f"{home.ha.url}/", "handler": ["trusted_networks", "household"],
                                      "redirect_uri": f"{home.ha.url}/?auth_callback=1"})
        assert st == 200, flow
        if flow["type"] == "form":
            # More than one person: the only question is which account, never a password.
            assert [f["name"] for f in flow["data_schema"]] == ["user"], flow
            with home.ha.ws() as ws:
                owner = ws.call("auth/current_user")["id"]
            st, flow = home.ha.http("POST", f"/auth/login_flow/{flow['flow_id']}", auth=False,
                                    body={"client_id": f"{home.ha.url}/", "user": owner})
            assert st == 200, flow
        assert flow["type"] == "create_entry", flow

        proc = cli.run("audit", str(home.ha.config_dir), "--format", "json", "--no-history")
        assert proc.returncode == 0, proc.stderr
        snap = json.loads(proc.stdout)
        bypass = findings(snap, "DG-LOG-003")
        assert len(bypass) == 1, bypass
        assert bypass[0]["severity"] == "high"
        assert bypass[0]["evidence"]["allow_bypass_login"] == "true"
        wide = findings(snap, "DG-LOG-004")
        assert len(wide) == 1, wide
        assert wide[0]["evidence"]["beyond_home"] == "0.0.0.0/0"

        report = live_audit(cli, home)
        not_run = {n["rule"]: n["reason"] for n in report["not_run"]}
        for rule in ("DG-LOG-003", "DG-LOG-004"):
            assert rule in not_run and not findings(report, rule), rule
            assert not_run[rule]
    finally:
        restart_with(home, lambda config: (config / "configuration.yaml").write_text(original["text"]))
    proc = cli.run("audit", str(home.ha.config_dir), "--format", "json", "--no-history")
    assert proc.returncode == 0, proc.stderr
    snap = json.loads(proc.stdout)
    assert not findings(snap, "DG-LOG-003") and not findings(snap, "DG-LOG-004")


def test_daemon_follows_tokens_and_dashboard_resources(daemon_binary: Path, cli: Cli, home: LiveHome, tmp_path: Path) -> None:
    """HA fires no event when a long-lived token is made or deleted, or a dashboard resource added: the
    daemon re-reads tokens, apps, dashboard resources and Thread datasets on its 10-second poll. Four
    tokens made while it runs give the account more than three (DG-TOK-002) without a restart;
    deleted, the finding goes. A resource from a CDN gives DG-WEB-001 the same way, and goes with it."""
    db = tmp_path / "daemon" / "history.db"

    def mine(d: hf.Domoguardd, owner: str) -> list[dict]:
        return [f for f in d.api("domoguard/audit")["findings"] if f["rule"] == "DG-TOK-002" and f["subject"]["id"] == owner]

    def wait(pred, what: str, timeout: float = 45) -> float:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if pred():
                return time.monotonic() - t0
            time.sleep(0.5)
        raise AssertionError(f"the daemon did not see {what} within {timeout:.0f} s")

    with home.ha.ws() as ws:
        owner = ws.call("auth/current_user")["id"]
        have = len([t for t in ws.call("auth/refresh_tokens") if t["type"] == "long_lived_access_token"])
    with hf.Domoguardd(daemon_binary, home.ha.ws_url, home.token_file, db, notify=False) as d:
        pid = d.pid
        assert have > 3 or not mine(d, owner)
        made = []
        try:
            with home.ha.ws() as ws:
                for i in range(max(0, 4 - have) + 1):
                    made.append(ws.call("auth/long_lived_access_token", client_name=f"DomoGuard poll {i}", lifespan=30))
            seen = wait(lambda: len(mine(d, owner)) == 1, "the new tokens")
            print(f"\n[live] daemon saw the new tokens after {seen:.1f} s")
            text = json.dumps(d.api("domoguard/audit"))
            for s in made:
                assert s not in text
        finally:
            with home.ha.ws() as ws:
                for t in ws.call("auth/refresh_tokens"):
                    if (t.get("client_name") or "").startswith("DomoGuard poll "):
                        ws.call("auth/delete_refresh_token", refresh_token_id=t["id"])
        if have <= 3:
            gone = wait(lambda: not mine(d, owner), "the tokens deleted")
            print(f"[live] daemon saw them deleted after {gone:.1f} s")

        # A dashboard resource loaded from a CDN (lovelace/resources/create, storage mode) is as silent.
        url = "https://cdn.jsdelivr.net/gh/example/domoguard-poll-card@1.0.0/dist/card.js"

        def remote(d: hf.Domoguardd) -> list[dict]:
            return [f for f in d.api("domoguard/audit")["findings"] if f["rule"] == "DG-WEB-001" and f["evidence"]["url"] == url]

        with home.ha.ws() as ws:
            res = ws.call("lovelace/resources/create", res_type="module", url=url)
        try:
            seen = wait(lambda: len(remote(d)) == 1, "the new dashboard resource")
            print(f"[live] daemon saw the dashboard resource after {seen:.1f} s")
        finally:
            with home.ha.ws() as ws:
                ws.call("lovelace/resources/delete", resource_id=res["id"])
        wait(lambda: not remote(d), "the dashboard resource removed")
        assert d.pid == pid  # the same process throughout: no restart
