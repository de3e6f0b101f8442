"""Fixtures for the app tests: the live ones reuse tests/live's real Home Assistant (+ MQTT home) and
add `AddonDaemon`, domoguardd started through the app's own run script as the container would."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LIVE = REPO / "tests/live"
RUN_SCRIPT = REPO / "manifests/addon/domoguard/rootfs/usr/bin/domoguard-run"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(LIVE))

# tests/live/conftest.py under a name of its own, so its fixtures (cli, broker, home, workdir, ...) and
# its end-of-session check for leftover processes serve these tests too.
_spec = importlib.util.spec_from_file_location("live_conftest", LIVE / "conftest.py")
live_conftest = importlib.util.module_from_spec(_spec)
sys.modules["live_conftest"] = live_conftest
_spec.loader.exec_module(live_conftest)

from live_conftest import (  # noqa: E402,F401  (fixtures and hooks, found by pytest by name)
    BIN, LiveHome, broker, cli, daemon_binary, home, hf, pytest_configure, pytest_sessionfinish, workdir)


class AddonDaemon(hf.Domoguardd):
    """domoguardd as the app starts it: the run script, an options file, SUPERVISOR_TOKEN in the
    environment. `argv` is what the daemon was started with (read from /proc: the script execs it)."""

    def __init__(self, options: dict, env: dict[str, str], db: Path, args: list[str] | None = None,
                 wait_audit: bool = True) -> None:
        super().__init__(BIN / "domoguardd", env.get("DOMOGUARD_HA_URL", ""), Path("/nonexistent"), db)
        self.options, self.env, self.args, self.wait_audit = options, env, args or [], wait_audit
        self.argv: list[str] = []
        self.options_file = db.parent / f"{db.stem}-options.json"

    def start(self, timeout: float = 90.0) -> None:
        self.options_file.write_text(json.dumps(self.options))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOMOGUARD_PANEL_DIR": "/nonexistent", "DOMOGUARD_BIN": str(BIN),
               "DOMOGUARD_OPTIONS": str(self.options_file), "DOMOGUARD_DB": str(self.db),
               "DOMOGUARD_PORT": "0", **self.env}
        self._proc = subprocess.Popen([str(RUN_SCRIPT), *self.args], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True, start_new_session=True)
        hf.track("domoguard-run", self._proc.pid, str(self.db))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        m = self.wait_line(r"serving on http://([0-9.]+):(\d+)/", timeout=20)
        self.host, self.port = m.group(1), int(m.group(2))
        self.argv = Path(f"/proc/{self._proc.pid}/cmdline").read_bytes().rstrip(b"\0").decode().split("\0")
        if self.wait_audit:
            # Ready when the API says so (the log may leave the "full audit" line out: log_level warning).
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as r:
                        if json.loads(r.read()).get("result", {}).get("ready"):
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline or self._proc.poll() is not None:
                    raise hf.LiveError("the add-on's daemon never audited the hub; last lines:\n" + "\n".join(self.lines[-15:]))
                time.sleep(0.2)


class Env(dict):
    """An environment whose repr leaves the token out (pytest prints arguments of failed tests)."""

    def __repr__(self) -> str:
        return repr({k: ("<redacted>" if "TOKEN" in k else v) for k, v in self.items()})


def panel_dir() -> Path | None:
    d = REPO / "ui-panel/dist"
    return d if (d / "domoguard-panel.js").exists() else None


@pytest.fixture
def addon_env(home: LiveHome, tmp_path: Path) -> Env:
    """The container's environment for the run script, pointed at the live HA, with the built panel
    when there is one."""
    return Env(SUPERVISOR_TOKEN=home.ha.token, DOMOGUARD_HA_URL=home.ha.ws_url,
               DOMOGUARD_PANEL_DIR=str(panel_dir() or tmp_path / "no-panel"))
