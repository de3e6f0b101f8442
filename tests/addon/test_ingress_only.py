"""In add-on mode domoguardd listens on 0.0.0.0 but admits only Home Assistant's ingress proxy
(172.30.32.2), loopback, and addresses given with --allow-peer; every other source is refused before
any HTTP is read.

Two setups, both with domoguardd started by the app's run script:
- on this machine, against the live HA: a client bound to this machine's own non-loopback address
  (eth0's, found with `ip -4 addr`) connects to 127.0.0.1 (the packets stay on the loopback device)
  and is refused; the same request from 127.0.0.1 is answered; with `--allow-peer THAT_ADDRESS` it is
  answered too.
- in a network namespace of the test's own (unshare -n) whose loopback also carries 172.30.32.2 and
  192.0.2.77: the ingress proxy's address is admitted and the other one refused. No hub is reachable
  there; the listener does not need one.
Needs root. Every port is chosen by the kernel (--listen 0.0.0.0:0 through DOMOGUARD_PORT=0), so
parallel runs do not clash."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import BIN, RUN_SCRIPT, AddonDaemon, LiveHome, hf

pytestmark = pytest.mark.live

OPTIONS = {"language": "en", "privacy_by_default": True, "notify": False, "log_level": "info"}
INGRESS = "172.30.32.2"
STRANGER = "192.0.2.77"  # TEST-NET-1, only ever on the namespace's own loopback


def own_ipv4() -> str | None:
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"], capture_output=True,
                         text=True).stdout
    addrs = re.findall(r"inet (\d+\.\d+\.\d+\.\d+)/", out)
    return addrs[0] if addrs else None


def request_from(source: str | None, port: int, host: str = "127.0.0.1") -> bytes:
    """GET /healthz from the given source address; what came back before the server closed
    (b"" when it hung up at once)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        if source:
            s.bind((source, 0))
        s.connect((host, port))
        try:
            # A Host the daemon serves (loopback, or this machine's address: it listens on 0.0.0.0).
            s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        except (BrokenPipeError, ConnectionResetError):
            return b""
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                return data
            if not chunk:
                return data
            data += chunk
    finally:
        s.close()


def answered(reply: bytes) -> bool:
    return reply.startswith(b"HTTP/1.1 200") and b'"success":true' in reply.replace(b" ", b"")


@pytest.fixture(scope="module")
def eth_address() -> str:
    addr = own_ipv4()
    if addr is None:
        pytest.skip("this machine has no non-loopback IPv4 address to connect from")
    return addr


def test_other_addresses_are_refused_and_loopback_admitted(home: LiveHome, tmp_path: Path, eth_address: str) -> None:
    env = {"SUPERVISOR_TOKEN": home.ha.token, "DOMOGUARD_HA_URL": home.ha.ws_url}
    with AddonDaemon(OPTIONS, env, tmp_path / "domoguard.db") as d:
        assert d.host == "0.0.0.0"
        assert answered(request_from(None, d.port))
        assert answered(request_from("127.0.0.1", d.port))
        refused = request_from(eth_address, d.port)
        assert refused == b"", refused[:200]
        # Also when the client aims at the non-loopback address itself (still this machine).
        assert request_from(eth_address, d.port, host=eth_address) == b""
        assert d.api("domoguard/status")["ready"] is True  # still serving loopback afterwards


def test_allow_peer_admits_that_address(home: LiveHome, tmp_path: Path, eth_address: str) -> None:
    env = {"SUPERVISOR_TOKEN": home.ha.token, "DOMOGUARD_HA_URL": home.ha.ws_url}
    with AddonDaemon(OPTIONS, env, tmp_path / "domoguard.db", args=["--allow-peer", eth_address]) as d:
        assert d.argv[d.argv.index("--allow-peer") + 1] == eth_address  # passed on by the run script
        assert answered(request_from(eth_address, d.port))
        assert answered(request_from(None, d.port))


# In the namespace: the run script starts the daemon; a client in the same namespace tries each source.
NETNS_CLIENT = textwrap.dedent(r"""
    import json, re, socket, subprocess, sys, time
    run, env, sources = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
    for cmd in (["ip", "link", "set", "lo", "up"],
                *(["ip", "addr", "add", f"{a}/32", "dev", "lo"] for a in sources)):
        subprocess.run(cmd, check=True)
    proc = subprocess.Popen([run], env=env, stderr=subprocess.PIPE, text=True)
    port = None
    lines = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line.rstrip())
        m = re.search(r"serving on http://[0-9.]+:(\d+)/", line)
        if m:
            port = int(m.group(1))
            break
    result = {"lines": lines, "replies": {}}
    if port:
        for src in ["127.0.0.1", *sources]:
            s = socket.socket()
            s.settimeout(10)
            s.bind((src, 0))
            data = b""
            try:
                s.connect(("127.0.0.1", port))
                # Loopback names itself; the proxy forwards the Host the person typed for Home
                # Assistant, with its ingress path.
                head = (f"Host: 127.0.0.1:{port}" if src == "127.0.0.1" else
                        "Host: homeassistant.local:8123\r\nX-Ingress-Path: /api/hassio_ingress/t0ken")
                s.sendall(f"GET /healthz HTTP/1.1\r\n{head}\r\nConnection: close\r\n\r\n".encode())
                while chunk := s.recv(65536):
                    data += chunk
            except (ConnectionResetError, BrokenPipeError):
                pass
            s.close()
            result["replies"][src] = data.decode(errors="replace")[:200]
    proc.terminate()
    result["rc"] = proc.wait(timeout=20)
    print(json.dumps(result))
""")


def test_ingress_proxy_address_is_admitted_in_a_namespace(tmp_path: Path) -> None:
    if not shutil.which("unshare") or not shutil.which("ip"):
        pytest.skip("needs unshare (util-linux) and ip (iproute2)")
    options = tmp_path / "options.json"
    options.write_text(json.dumps(OPTIONS))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOMOGUARD_BIN": str(BIN),
           "DOMOGUARD_OPTIONS": str(options), "DOMOGUARD_DB": str(tmp_path / "domoguard.db"),
           "DOMOGUARD_PORT": "0", "SUPERVISOR_TOKEN": "not-used-no-hub-in-this-namespace",
           "DOMOGUARD_HA_URL": "ws://127.0.0.1:9/api/websocket"}
    proc = subprocess.Popen(["unshare", "--net", sys.executable, "-c", NETNS_CLIENT, str(RUN_SCRIPT),
                             json.dumps(env), INGRESS, STRANGER], stdout=subprocess.PIPE, text=True)
    hf.track("unshare-netns", proc.pid, str(tmp_path))
    out, _ = proc.communicate(timeout=90)
    assert proc.returncode == 0
    result = json.loads(out.strip().splitlines()[-1])
    replies = result["replies"]
    assert set(replies) == {"127.0.0.1", INGRESS, STRANGER}, result["lines"]
    assert replies["127.0.0.1"].startswith("HTTP/1.1 200"), replies
    assert replies[INGRESS].startswith("HTTP/1.1 200"), replies
    assert replies[STRANGER] == "", replies
    assert result["rc"] == 0  # the daemon stopped cleanly on SIGTERM
