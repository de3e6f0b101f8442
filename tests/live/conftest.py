"""Fixtures for DomoGuard's tests against a real Home Assistant (see tests/live/README.md).

One mosquitto and one Home Assistant (demo integration + an MQTT-discovered home) serve the whole
session; the TLS tests and the teardown test start their own. Binaries come from $DOMOGUARD_BIN
(default <repo>/build/bin). Needs root: HA runs chrooted in the root that ha_root.sh builds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import hass_fixture as hf  # noqa: E402
from capture_fixtures import PLUG, SMOKE, arrange, populate  # noqa: E402

BIN = Path(os.environ.get("DOMOGUARD_BIN", str(REPO / "build/bin")))


def ha_version_pinned() -> str:
    for line in (HERE / "versions.env").read_text().splitlines():
        if line.startswith("HA_VERSION="):
            return line.split("=", 1)[1].strip()
    raise AssertionError("HA_VERSION missing from versions.env")


@dataclass
class Cli:
    binary: Path

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.binary), *args], capture_output=True, text=True, timeout=timeout)

    def audit_json(self, *source: str) -> dict:
        proc = self.run("audit", *source, "--format", "json", "--no-history")
        assert proc.returncode == 0, f"audit {source} exited {proc.returncode}: {proc.stderr}"
        return json.loads(proc.stdout)


@dataclass
class LiveHome:
    """The session's HA with its MQTT home; entity registry entries looked up by unique id."""
    ha: hf.HomeAssistant
    broker: hf.Mosquitto
    token_file: Path
    unique_ids: dict[str, str]
    entities: dict[str, dict] = field(default_factory=dict)

    def refresh_entities(self) -> None:
        with self.ha.ws() as ws:
            self.entities = {e["unique_id"]: e for e in ws.call("config/entity_registry/list")
                             if e.get("platform") == "mqtt"}

    def device_id(self, unique_id: str) -> str:
        if unique_id not in self.entities:
            self.refresh_entities()
        return self.entities[unique_id]["device_id"]

    def entity_id(self, unique_id: str) -> str:
        if unique_id not in self.entities:
            self.refresh_entities()
        return self.entities[unique_id]["entity_id"]

    def state(self, entity_id: str) -> dict | None:
        st, body = self.ha.http("GET", f"/api/states/{entity_id}")
        return body if st == 200 else None

    def wait_state(self, entity_id: str, value: str, attr: str | None = None, timeout: float = 15) -> None:
        def ok() -> bool:
            s = self.state(entity_id)
            if s is None:
                return False
            return str(s["attributes"].get(attr) if attr else s["state"]) == value
        self.ha.wait_for(ok, f"{entity_id} {attr or 'state'} = {value}", timeout)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live: needs root and the Home Assistant root from ha_root.sh")


@pytest.fixture(scope="session")
def cli() -> Cli:
    binary = BIN / "domoguard"
    if not binary.exists():
        pytest.fail(f"{binary} not found: build first, or set DOMOGUARD_BIN to the folder holding it")
    if os.geteuid() != 0:
        pytest.fail("the live tests need root (HA runs chrooted in the root that tests/live/ha_root.sh builds)")
    return Cli(binary)


@pytest.fixture(scope="session")
def daemon_binary(cli: Cli) -> Path:
    binary = BIN / "domoguardd"
    if not binary.exists():
        pytest.fail(f"{binary} not found: build the domoguardd target")
    return binary


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("live")
    os.chmod(d, 0o700)
    return d


@pytest.fixture(scope="session")
def broker(cli: Cli):
    with hf.Mosquitto() as b:
        yield b


@pytest.fixture(scope="session")
def home(cli: Cli, broker: hf.Mosquitto, workdir: Path):
    t0 = time.monotonic()
    with hf.HomeAssistant(mqtt=broker, demo=True) as ha:
        uids = populate(ha, broker)
        arrange(ha, uids)
        token_file = hf.write_token_file(workdir / "token", ha.token)
        live = LiveHome(ha, broker, token_file, uids)
        live.refresh_entities()
        print(f"\n[live] HA {ha_version_pinned()} with demo + MQTT home ready in {time.monotonic() - t0:.1f} s "
              f"(start {ha.start_seconds:.1f} s)")
        yield live


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Every fixture has been torn down by now: nothing we started may still run."""
    left = hf.leftover_processes()
    if left:
        session.exitstatus = 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        msg = "live tests left processes behind: " + "; ".join(left)
        if reporter:
            reporter.write_line(msg, red=True)
        else:
            print(msg, file=sys.stderr)
        for _, pid, ticks, _ in hf.STARTED:  # ours only, by pid and start time
            if hf._proc_start_ticks(pid) == ticks:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass


__all__ = ["PLUG", "SMOKE", "Cli", "LiveHome", "hf", "ha_version_pinned"]
