"""The app image, replayed without Docker (tests/addon/image_root.py), started as the Supervisor starts
an app: the image-equivalent root holds the daemon built by the Dockerfile's own commands, its runtime
libraries, the panel and the run script, and nothing of the build; started in that root with
/data/options.json, SUPERVISOR_TOKEN in the environment and the ingress port, it audits the real
Home Assistant of tests/live and serves its panel. Needs root (debootstrap, chroot, mount).

The first run replays the Dockerfile (a few minutes to build the daemon and the panel); later runs
reuse the root cached under the Dockerfile's and the build context's hash."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, AddonDaemon, LiveHome
from live_conftest import PLUG, hf

pytestmark = pytest.mark.live

DEFAULTS = {"language": "auto", "privacy_by_default": True, "notify": True, "log_level": "info"}


@pytest.fixture(scope="module")
def image_root() -> Path:
    if os.geteuid() != 0:
        pytest.skip("the image replay needs root (debootstrap, chroot, mount)")
    proc = subprocess.run([sys.executable, str(REPO / "tests/addon/image_root.py")], stdout=subprocess.PIPE,
                          text=True, timeout=3600)
    assert proc.returncode == 0, "tests/addon/image_root.py failed (its log is above)"
    root = Path(proc.stdout.strip().splitlines()[-1])
    assert (root / "usr/bin/domoguardd").exists()
    return root


@pytest.fixture(scope="module")
def facts(image_root: Path) -> dict:
    data = json.loads((image_root.parent / ".domoguard-image.json").read_text())
    print(f"\nimage-equivalent root: {data['image_bytes'] / 1e6:.1f} MB on a {data['base_bytes'] / 1e6:.1f} MB "
          f"bookworm minbase (+{(data['image_bytes'] - data['base_bytes']) / 1e6:.1f} MB); stages: "
          + ", ".join(f"{s['name']} {s['bytes'] / 1e6:.0f} MB, RUN {s['run_seconds']} s" for s in data["stages"]))
    return data


def in_root(root: Path, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["chroot", str(root), "/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", *cmd],
                          capture_output=True, text=True, timeout=60)


def test_the_image_holds_the_app_and_nothing_of_the_build(image_root: Path, facts: dict) -> None:
    assert facts["cmd"] == ["/usr/bin/with-contenv", "/usr/bin/domoguard-run"]
    assert facts["labels"]["io.hass.type"] == "app" and facts["labels"]["io.hass.arch"] == facts["arch"]
    # The daemon runs in the root with the libraries the runtime stage installed, and is stripped.
    version = in_root(image_root, "/usr/bin/domoguardd", "--version")
    assert version.returncode == 0, version.stderr
    assert re.search(r"\d+\.\d+\.\d+", version.stdout + version.stderr)
    ldd = in_root(image_root, "ldd", "/usr/bin/domoguardd")
    assert ldd.returncode == 0 and "not found" not in ldd.stdout, ldd.stdout
    sections = subprocess.run(["readelf", "-S", str(image_root / "usr/bin/domoguardd")], capture_output=True,
                              text=True, check=True).stdout
    assert ".symtab" not in sections and ".debug_info" not in sections
    # The run script as the image installs it, and the panel where the script looks for it.
    run = image_root / "usr/bin/domoguard-run"
    assert run.read_bytes() == (REPO / "manifests/addon/domoguard/rootfs/usr/bin/domoguard-run").read_bytes()
    assert run.stat().st_mode & 0o111
    assert (image_root / "usr/share/domoguard/panel/domoguard-panel.js").stat().st_size > 1000
    for tool in ("jq", "curl"):
        assert in_root(image_root, "sh", "-c", f"command -v {tool}").returncode == 0, tool
    # Multi-stage: no compiler, no CMake, no Node, no -dev package, no apt lists, no sources.
    for gone in ("usr/bin/g++", "usr/bin/cmake", "usr/local/bin/node", "usr/bin/node", "src", "build"):
        assert not (image_root / gone).exists(), gone
    pkgs = in_root(image_root, "dpkg-query", "-W", "-f", "${Package}\n").stdout.split()
    assert not [p for p in pkgs if p.endswith("-dev")], [p for p in pkgs if p.endswith("-dev")]
    assert not list((image_root / "var/lib/apt/lists").glob("*_Packages"))
    assert facts["image_bytes"] < facts["base_bytes"] + 80_000_000  # what the app adds to the base


class ImageDaemon(AddonDaemon):
    """The run script started inside the image root, as the Supervisor starts the container: only the
    environment it sets (SUPERVISOR_TOKEN), the options in /data/options.json, the image's defaults
    for everything else. /data is a fresh folder per test, bind-mounted in a private mount namespace."""

    def __init__(self, root: Path, data: Path, options: dict, env: dict[str, str]) -> None:
        super().__init__(options, env, data / "domoguard.db")
        self.root, self.data = root, data

    def start(self, timeout: float = 90.0) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        (self.data / "options.json").write_text(json.dumps(self.options))
        env = [f"{k}={v}" for k, v in self.env.items()]
        script = ('set -e; mount -t proc proc "$1/proc"; mkdir -p "$1/data"; mount --bind "$2" "$1/data"; '
                  'root=$1; shift 2; exec chroot "$root" /usr/bin/env -i "$@" /usr/bin/domoguard-run')
        cmd = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, "_",
               str(self.root), str(self.data), "PATH=/usr/sbin:/usr/bin:/sbin:/bin", *env]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                      start_new_session=True)
        hf.track("domoguard-run (image root)", self._proc.pid, str(self.root))
        import threading
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        m = self.wait_line(r"serving on http://([0-9.]+):(\d+)/", timeout=20)
        self.host, self.port = m.group(1), int(m.group(2))
        self.argv = Path(f"/proc/{self._proc.pid}/cmdline").read_bytes().rstrip(b"\0").decode().split("\0")
        self.wait_line(r"full audit: score \d+, \d+ devices", timeout=timeout)


def test_the_image_starts_as_the_supervisor_starts_it(image_root: Path, facts: dict, home: LiveHome,
                                                     tmp_path: Path) -> None:
    # The Supervisor sets SUPERVISOR_TOKEN; the address of HA (ws://supervisor/core/websocket behind
    # the Supervisor's proxy) and the ingress port 8099 are stood in for by the live HA's URL and a
    # free port, as this machine runs other servers.
    env = {"SUPERVISOR_TOKEN": home.ha.token, "DOMOGUARD_HA_URL": home.ha.ws_url, "DOMOGUARD_PORT": "0"}
    with ImageDaemon(image_root, tmp_path / "data", DEFAULTS, env) as d:
        # The image's defaults: /usr/bin/domoguardd, /data/domoguard.db, the image's panel; language
        # auto asked HA (English here) through the image's curl.
        assert d.argv[:8] == ["/usr/bin/domoguardd", "--addon", "--lang", "en", "--db", "/data/domoguard.db",
                              "--url", home.ha.ws_url]
        assert d.argv[d.argv.index("--panel-dir") + 1] == "/usr/share/domoguard/panel"
        assert Path(f"/proc/{d.pid}/root").resolve() == image_root.resolve()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        # /healthz answers from the status the daemon's worker refreshes each second (so it answers even
        # while a plan runs): right after the first audit it may still say "not ready" for that second.
        ready = False
        for _ in range(50):
            with opener.open(f"http://127.0.0.1:{d.port}/healthz", timeout=10) as r:
                ready = json.loads(r.read())["result"]["ready"] is True
            if ready:
                break
            time.sleep(0.1)
        assert ready
        with opener.open(f"http://127.0.0.1:{d.port}/panel/domoguard-panel.js", timeout=10) as r:
            served = r.read()
        assert served == (image_root / "usr/share/domoguard/panel/domoguard-panel.js").read_bytes()
        plug = home.device_id(f"{PLUG}_child_lock_zigbee2mqtt")
        keys = {(f["rule"], f["subject"]["id"]) for f in d.api("domoguard/audit")["findings"]}
        assert ("DG-CHI-001", plug) in keys
        assert (tmp_path / "data/domoguard.db").exists()  # the history is in the app's /data
        assert not any(home.ha.token in line for line in d.lines)
        assert d.stop() == 0
