"""A real Home Assistant (and a real MQTT broker) for DomoGuard's live tests.

Standard library only (Python >= 3.11 on the host): the WebSocket client below is a small RFC 6455
client over `socket`, enough for HA's WebSocket API, so the tests need no host venv.

    from hass_fixture import Mosquitto, HomeAssistant
    with Mosquitto() as broker, HomeAssistant(mqtt=broker, demo=True) as ha:
        ws = ha.ws()                       # authenticated with a long-lived access token
        print(ws.call("get_config"))

HomeAssistant runs `hass` from the root that tests/live/ha_root.sh builds (Debian forky, pinned HA),
through tests/live/ha_run.sh (a private mount namespace, so no mount survives it), with a fresh
config folder and `--skip-pip`: everything HA needs is installed when the root is built, so a
running HA never reaches beyond this machine. It binds 127.0.0.1 on a free port and is onboarded
through HA's own onboarding API. Teardown stops HA with SIGTERM (SIGKILL after a grace period),
removes the config folder unless asked to keep it, and leaves no process behind.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LOOPBACK = "127.0.0.1"


class LiveError(RuntimeError):
    """A live-fixture step failed; the message says which step and why."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _log(msg: str) -> None:
    print(f"[hass_fixture] {msg}", flush=True)


# Every process the live fixtures start, so a test run can prove none outlived its teardown:
# (name, pid, start time in clock ticks from /proc/PID/stat, marker). The start time tells a
# reused pid apart; the marker is a path that appears on the command line of what we started.
STARTED: list[tuple[str, int, int, str]] = []


def _proc_start_ticks(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[19]) if len(fields) > 19 and fields[0] != "Z" else None


def track(name: str, pid: int, marker: str) -> None:
    ticks = _proc_start_ticks(pid)
    STARTED.append((name, pid, ticks if ticks is not None else -1, marker))


def leftover_processes(since: int = 0) -> list[str]:
    """Processes from STARTED[since:] still alive, and any live process naming one of their
    markers on its command line (what they may have started)."""
    mine = STARTED[since:]
    out = []
    for name, pid, ticks, _ in mine:
        if _proc_start_ticks(pid) == ticks:
            out.append(f"{name} (pid {pid})")
    alive = {pid for _, pid, ticks, _ in mine if _proc_start_ticks(pid) == ticks}
    markers = [m for *_, m in mine if m]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid() or int(entry.name) in alive:
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if _proc_start_ticks(int(entry.name)) is None:
            continue  # gone, or a zombie waiting for its parent
        if any(m in cmd for m in markers):
            out.append(f"pid {entry.name}: {cmd.strip()[:160]}")
    return out


def ensure_root() -> Path:
    """Builds or reuses the HA root; returns its path (last stdout line of ha_root.sh)."""
    env_root = os.environ.get("DOMOGUARD_HA_ROOT")
    if env_root:
        return Path(env_root)
    proc = subprocess.run([str(HERE / "ha_root.sh")], stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise LiveError(f"ha_root.sh failed with exit code {proc.returncode}")
    return Path(proc.stdout.strip().splitlines()[-1])


def _stop_process(proc: subprocess.Popen, name: str, grace: float) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _log(f"{name} did not stop within {grace:.0f} s; killing it")
        proc.kill()
        proc.wait(timeout=10)


# --------------------------------------------------------------------------------------------------
# Mosquitto
# --------------------------------------------------------------------------------------------------


class Mosquitto:
    """Debian's mosquitto on 127.0.0.1 with its own config file; no system service involved."""

    def __init__(self, username: str = "domoguard", password: str = "mqtt-test-password") -> None:
        self.host = LOOPBACK
        self.port = 0
        self.username = username
        self.password = password
        self._dir: Path | None = None
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> "Mosquitto":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(binary).exists() or not shutil.which("mosquitto_pub"):
            raise LiveError("mosquitto / mosquitto_pub missing: run tests/live/ha_root.sh (installs them)")
        self._dir = Path(tempfile.mkdtemp(prefix="domoguard-mqtt-"))
        pw = self._dir / "passwd"
        pw.touch(mode=0o600)
        subprocess.run(["mosquitto_passwd", "-b", str(pw), self.username, self.password], check=True)
        # Started as root, mosquitto drops to its own user before reading the password file.
        try:
            import pwd
            ent = pwd.getpwnam("mosquitto")
            os.chown(pw, ent.pw_uid, ent.pw_gid)
        except KeyError:
            pass
        self.port = free_port()
        conf = self._dir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} {LOOPBACK}\n"
            "allow_anonymous false\n"
            f"password_file {pw}\n"
            "persistence false\n"
            "log_dest stderr\n"
            "log_type error\nlog_type warning\n"
        )
        os.chmod(self._dir, 0o755)
        self._log = open(self._dir / "mosquitto.log", "wb")
        self._proc = subprocess.Popen([binary, "-c", str(conf)], stdout=self._log, stderr=subprocess.STDOUT)
        track("mosquitto", self._proc.pid, str(conf))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise LiveError(f"mosquitto exited: {(self._dir / 'mosquitto.log').read_text()}")
            try:
                socket.create_connection((self.host, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise LiveError("mosquitto did not listen within 10 s")

    def publish(self, topic: str, payload: str | dict, retain: bool = True) -> None:
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        cmd = ["mosquitto_pub", "-h", self.host, "-p", str(self.port), "-u", self.username,
               "-P", self.password, "-q", "1", "-t", topic, "-m", payload]
        if retain:
            cmd.append("-r")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        if proc.returncode != 0:
            raise LiveError(f"mosquitto_pub {topic} failed: {proc.stderr.strip()}")

    def stop(self) -> None:
        if self._proc is not None:
            _stop_process(self._proc, "mosquitto", 5)
            self._proc = None
            self._log.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


# --------------------------------------------------------------------------------------------------
# A small WebSocket client (RFC 6455, client side, text frames) for HA's WebSocket API
# --------------------------------------------------------------------------------------------------


class WebSocket:
    def __init__(self, host: str, port: int, path: str, timeout: float = 30.0,
                 tls: ssl.SSLContext | None = None) -> None:
        self._sock = socket.create_connection((host, port), timeout=timeout)
        if tls is not None:
            self._sock = tls.wrap_socket(self._sock, server_hostname=host)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self._sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self._sock.recv(4096)
            if not chunk:
                raise LiveError("WebSocket handshake: connection closed")
            head += chunk
        head, self._buf = head.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise LiveError(f"WebSocket handshake refused: {status.decode(errors='replace')}")

    def _recv_exact(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self._sock.recv(max(65536, n - len(self._buf)))
            if not chunk:
                raise LiveError("WebSocket closed by peer")
            self._buf += chunk
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def _send_frame(self, opcode: int, data: bytes) -> None:
        header = bytearray([0x80 | opcode])
        n = len(data)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += struct.pack("!H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self._sock.sendall(bytes(header) + mask + masked)

    def send_json(self, obj: Any) -> None:
        self._send_frame(0x1, json.dumps(obj).encode())

    def recv_json(self) -> Any:
        message = b""
        while True:
            b0, b1 = self._recv_exact(2)
            opcode, fin = b0 & 0x0F, b0 & 0x80
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._recv_exact(8))[0]
            mask = self._recv_exact(4) if b1 & 0x80 else None
            data = self._recv_exact(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 0x9:  # ping
                self._send_frame(0xA, data)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                raise LiveError("WebSocket closed by peer")
            message += data
            if fin:
                return json.loads(message)

    def close(self) -> None:
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self._sock.close()


class HaWebSocket:
    """HA WebSocket API session: authenticates, then `call(type, **fields)` returns `result`."""

    def __init__(self, port: int, token: str, tls: ssl.SSLContext | None = None) -> None:
        self._ws = WebSocket(LOOPBACK, port, "/api/websocket", tls=tls)
        self._next_id = 1
        hello = self._ws.recv_json()
        if hello.get("type") != "auth_required":
            raise LiveError(f"unexpected WS greeting: {hello}")
        self.ha_version = hello.get("ha_version")
        self._ws.send_json({"type": "auth", "access_token": token})
        reply = self._ws.recv_json()
        if reply.get("type") != "auth_ok":
            raise LiveError(f"WS auth failed: {reply}")

    def call_raw(self, type_: str, **fields: Any) -> dict:
        msg_id = self._next_id
        self._next_id += 1
        self._ws.send_json({"id": msg_id, "type": type_, **fields})
        while True:
            reply = self._ws.recv_json()
            if reply.get("id") == msg_id and reply.get("type") == "result":
                return reply

    def send(self, type_: str, **fields: Any) -> int:
        """Sends a command without waiting; returns its id (for subscriptions)."""
        msg_id = self._next_id
        self._next_id += 1
        self._ws.send_json({"id": msg_id, "type": type_, **fields})
        return msg_id

    def receive(self) -> Any:
        return self._ws.recv_json()

    def call(self, type_: str, **fields: Any) -> Any:
        reply = self.call_raw(type_, **fields)
        if not reply.get("success"):
            raise LiveError(f"WS {type_} failed: {reply.get('error')}")
        return reply.get("result")

    def close(self) -> None:
        self._ws.close()

    def __enter__(self) -> "HaWebSocket":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------------------------------
# Home Assistant
# --------------------------------------------------------------------------------------------------


def _form_defaults(schema: list) -> dict:
    """What a person who only fills the named fields would send: defaults, sections as objects."""
    out: dict = {}
    for field in schema:
        name = field.get("name")
        if field.get("type") == "expandable":
            out[name] = _form_defaults(field.get("schema") or [])
        elif "default" in field:
            out[name] = field["default"]
        elif field.get("required") and "boolean" in (field.get("selector") or {}):
            out[name] = False
    return out


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


class HomeAssistant:
    OWNER_NAME = "Test Owner"
    OWNER_USERNAME = "owner"
    OWNER_PASSWORD = "owner-test-password"

    def __init__(self, mqtt: Mosquitto | None = None, demo: bool = False, keep_config: bool = False,
                 start_timeout: float = 240.0, tls: tuple[Path, Path] | None = None,
                 root: Path | None = None, yaml: dict[str, list[str]] | None = None) -> None:
        """tls: (certificate, key) PEM files; HA then serves HTTPS/WSS with them, and this fixture
        trusts exactly that certificate (it must name 127.0.0.1).
        root: an HA root built by ha_root.sh (default: the pinned release's).
        yaml: more configuration.yaml lines, by top-level key: the lines of "http" are added to the
        http: block, any other key becomes a block of its own ({"mobile_app": []} -> "mobile_app:")."""
        self.mqtt = mqtt
        self.tls = tls
        self._tls_ctx: ssl.SSLContext | None = None
        self.demo = demo
        self.keep_config = keep_config
        self.start_timeout = start_timeout
        self.root: Path | None = root
        self.yaml = yaml or {}
        self.port = 0
        self.token = ""             # long-lived access token
        self.access_token = ""      # short-lived token from onboarding
        self.config_dir: Path | None = None      # host path
        self.config_in_root = ""                 # path as hass sees it
        self.start_seconds = 0.0                 # process start -> HTTP API answering
        self.onboard_seconds = 0.0
        self._proc: subprocess.Popen | None = None
        self._log_file = None
        # Added to hass's environment at each launch (e.g. a test hook); None = the root's plain one.
        self.env: dict[str, str] | None = None

    # ---- lifecycle ----
    def __enter__(self) -> "HomeAssistant":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{LOOPBACK}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://{LOOPBACK}:{self.port}/api/websocket"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path:
        assert self.config_dir is not None
        return self.config_dir / "hass.log"

    def start(self) -> None:
        if self.root is None:
            self.root = ensure_root()
        base = self.root / "var/tmp"
        self.config_dir = Path(tempfile.mkdtemp(prefix="domoguard-ha-", dir=base))
        self.config_in_root = "/" + str(self.config_dir.relative_to(self.root))
        self.port = free_port()
        lines = [
            "homeassistant:",
            "  name: DomoGuard test home",
            "  unit_system: metric",
            "  time_zone: UTC",
            "  country: DE",
            "  latitude: 52.52",
            "  longitude: 13.40",
            "  elevation: 34",
            "  currency: EUR",
            "http:",
            f"  server_host: {LOOPBACK}",
            f"  server_port: {self.port}",
            *(f"  {line}" for line in self.yaml.get("http", [])),
            "api:",
            "config:",
            "onboarding:",
            "person:",
            "analytics:",
            "logger:",
            "  default: warning",
        ]
        if self.tls:
            cert, key = self.tls
            shutil.copy(cert, self.config_dir / "tls.crt")
            shutil.copy(key, self.config_dir / "tls.key")
            os.chmod(self.config_dir / "tls.key", 0o600)
            lines[lines.index("api:"):lines.index("api:")] = [
                f"  ssl_certificate: {self.config_in_root}/tls.crt",
                f"  ssl_key: {self.config_in_root}/tls.key"]
            self._tls_ctx = ssl.create_default_context(cafile=str(cert))
        if self.demo:
            lines.append("demo:")
        for key, block in self.yaml.items():
            if key != "http":
                lines += [f"{key}:", *(f"  {line}" for line in block)]
        # As in HA's own default configuration: the automation and script editors save here.
        lines += ["automation: !include automations.yaml", "script: !include scripts.yaml"]
        for name, empty in (("automations.yaml", "[]\n"), ("scripts.yaml", "{}\n")):
            if not (self.config_dir / name).exists():
                (self.config_dir / name).write_text(empty)
        (self.config_dir / "configuration.yaml").write_text("\n".join(lines) + "\n")
        self._launch()
        t1 = time.monotonic()
        self._onboard()
        self.onboard_seconds = time.monotonic() - t1
        self.confirm_http_config()
        if self.mqtt is not None:
            self.setup_mqtt(self.mqtt)

    def _launch(self) -> None:
        """Starts hass on the existing config folder and port; returns once its HTTP API answers."""
        assert self.root is not None and self.config_dir is not None
        self._log_file = open(self.config_dir / "hass.stdout", "ab")
        t0 = time.monotonic()
        _log(f"starting HA on {self.url} (config {self.config_dir})")
        env = ["/usr/bin/env", *(f"{k}={v}" for k, v in self.env.items())] if self.env else []
        self._proc = subprocess.Popen(
            [str(HERE / "ha_run.sh"), str(self.root), *env, "/opt/ha/bin/hass", "-c", self.config_in_root,
             "--skip-pip", "--log-file", f"{self.config_in_root}/hass.log"],
            stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)
        track("hass", self._proc.pid, self.config_in_root)
        self._wait_ready(t0)
        self.start_seconds = time.monotonic() - t0
        _log(f"HA answered after {self.start_seconds:.1f} s")

    def restart(self, downtime: float = 0.0) -> None:
        """Stops HA cleanly and starts it again on the same config folder and port (same token)."""
        self.restart_clean_stop()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        time.sleep(downtime)
        self._launch()

    def kill(self) -> None:
        """kill -9, as in a crash or a power cut: no chance to save or clean up. The config folder
        stays; _launch() starts HA on it again (same port, same token)."""
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc.wait(timeout=30)
            self._proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def _wait_ready(self, t0: float) -> None:
        deadline = t0 + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise LiveError(f"hass exited with {self._proc.returncode} during start; see {self.config_dir}")
            try:
                # Before onboarding only the onboarding API answers; afterwards it is gone (404)
                # and the REST API answers the token (with HA's run state: wait for a full start).
                if self.token:
                    status, body = self.http("GET", "/api/config", timeout=2)
                    if status == 200 and body.get("state", "RUNNING") == "RUNNING":
                        return
                else:
                    status, body = self.http("GET", "/api/onboarding", auth=False, timeout=2)
                    if status == 200:
                        return
            except (OSError, LiveError):
                pass
            time.sleep(0.25)
        raise LiveError(f"hass did not answer within {self.start_timeout:.0f} s; see {self.config_dir}")

    def stop(self) -> None:
        if self._proc is not None:
            _stop_process(self._proc, "hass", 60)
            # The whole session: nothing started under hass may outlive it.
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self.config_dir is not None and not self.keep_config:
            shutil.rmtree(self.config_dir, ignore_errors=True)
            self.config_dir = None

    # ---- HTTP ----
    def http(self, method: str, path: str, body: Any = None, auth: bool = True, form: bool = False,
             timeout: float = 30, token: str | None = None) -> tuple[int, Any]:
        headers = {}
        data = None
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = f"Bearer {token or self.token or self.access_token}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        handlers: list = [urllib.request.ProxyHandler({})]  # loopback: never a proxy
        if self._tls_ctx is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self._tls_ctx))
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(req, timeout=timeout) as resp:
                raw = resp.read()
                status = resp.status
        except urllib.error.HTTPError as err:
            raw = err.read()
            status = err.code
        try:
            return status, json.loads(raw) if raw else None
        except json.JSONDecodeError:
            return status, raw.decode(errors="replace")

    def _expect(self, step: str, status: int, body: Any, ok: tuple[int, ...] = (200,)) -> Any:
        if status not in ok:
            raise LiveError(f"{step}: HTTP {status}: {body}")
        return body

    # ---- onboarding, following homeassistant/components/onboarding/views.py ----
    def _onboard(self) -> None:
        client_id = f"{self.url}/"
        st, steps = self.http("GET", "/api/onboarding", auth=False)
        self._expect("GET /api/onboarding", st, steps)
        st, body = self.http("POST", "/api/onboarding/users", auth=False, body={
            "client_id": client_id, "name": self.OWNER_NAME, "username": self.OWNER_USERNAME,
            "password": self.OWNER_PASSWORD, "language": "en"})
        code = self._expect("onboarding user step", st, body)["auth_code"]
        st, tok = self.http("POST", "/auth/token", auth=False, form=True, body={
            "grant_type": "authorization_code", "code": code, "client_id": client_id})
        self.access_token = self._expect("auth code exchange", st, tok)["access_token"]
        st, body = self.http("POST", "/api/onboarding/core_config", body={})
        self._expect("onboarding core_config step", st, body)
        st, body = self.http("POST", "/api/onboarding/analytics", body={})
        self._expect("onboarding analytics step", st, body)
        st, body = self.http("POST", "/api/onboarding/integration", body={
            "client_id": client_id, "redirect_uri": f"{client_id}?auth_callback=1"})
        self._expect("onboarding integration step", st, body)
        st, steps = self.http("GET", "/api/onboarding", auth=False)
        if st == 200 and isinstance(steps, list) and not all(s.get("done") for s in steps):
            raise LiveError(f"onboarding incomplete: {steps}")
        with HaWebSocket(self.port, self.access_token, tls=self._tls_ctx) as ws:
            self.token = ws.call("auth/long_lived_access_token", client_name="DomoGuard tests",
                                 lifespan=30)
            # HA 2026.8+ moves configuration.yaml's `http:` section into .storage/http as a trial
            # ("pending") on the first start and, unless someone confirms it within five minutes,
            # reverts it and restarts itself: a session longer than that would lose its HA. Confirm
            # it as the household would once HA answers (older HA has no such command; nothing
            # pending is an error too).
            try:
                ws.call("http/config/promote")
                _log("HTTP configuration confirmed")
            except LiveError:
                pass
        _log("onboarded; long-lived token obtained")

    def ws(self) -> HaWebSocket:
        return HaWebSocket(self.port, self.token, tls=self._tls_ctx)

    def confirm_http_config(self) -> None:
        """Confirms an untried pending HTTP configuration, as the UI's "keep these settings" does.

        HA 2026.8+ moves the http: YAML block into .storage/http as a *pending* configuration on
        its first start and reverts to the stable one (restarting on port 8123 of every interface)
        five minutes later unless someone promotes it (components/http/config.py,
        AUTO_REVERT_DELAY). Older releases have no http/config command: nothing to confirm."""
        with self.ws() as ws:
            reply = ws.call_raw("http/config")
            if not reply.get("success"):
                return
            pending = (reply.get("result") or {}).get("pending")
            if pending is not None and pending.get("error") is None:
                ws.call("http/config/promote")
                _log("pending HTTP configuration confirmed (http/config/promote)")

    def wait_exit(self, timeout: float = 90.0) -> int:
        """Waits for hass to exit by itself (a restart it asked for: exit code 100); returns the code."""
        assert self._proc is not None
        try:
            return self._proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise LiveError(f"hass did not exit within {timeout:.0f} s") from None

    # ---- config flows over REST ----
    def config_flow(self, handler: str, *steps: dict) -> dict:
        st, res = self.http("POST", "/api/config/config_entries/flow",
                            body={"handler": handler, "show_advanced_options": False})
        res = self._expect(f"config flow {handler} init", st, res)
        for user_input in steps:
            if res.get("type") != "form":
                break
            answer = _merge(_form_defaults(res.get("data_schema") or []), user_input)
            st, res = self.http("POST", f"/api/config/config_entries/flow/{res['flow_id']}", body=answer)
            res = self._expect(f"config flow {handler} step", st, res)
        if res.get("type") != "create_entry":
            raise LiveError(f"config flow {handler} did not create an entry: {res}")
        return res

    def setup_mqtt(self, broker: Mosquitto) -> None:
        self.config_flow("mqtt", {"broker": broker.host, "port": broker.port,
                                  "username": broker.username, "password": broker.password,
                                  # plain TCP on loopback: no broker CA to verify
                                  "other_settings": {"set_ca_cert": "off"}})
        self.wait_for(lambda: "mqtt" in self.http("GET", "/api/config")[1].get("components", []),
                      "mqtt integration loaded")
        _log("MQTT integration set up")

    def wait_for(self, predicate, what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if predicate():
                    return
            except (OSError, LiveError, KeyError):
                pass
            time.sleep(0.2)
        raise LiveError(f"timed out waiting for {what}")

    def restart_clean_stop(self) -> None:
        """Stops HA cleanly (SIGTERM, wait) so its .storage is flushed, keeping the config folder."""
        if self._proc is not None:
            _stop_process(self._proc, "hass", 60)
            rc = self._proc.returncode
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc = None
            if rc not in (0, -signal.SIGTERM):
                _log(f"hass exited with {rc}")


# --------------------------------------------------------------------------------------------------
# domoguardd, the daemon under test
# --------------------------------------------------------------------------------------------------


def write_token_file(path: Path, token: str, mode: int = 0o600) -> Path:
    """Writes the token with the given mode from the start (never briefly world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    os.chmod(path, mode)
    return path


class Domoguardd:
    """domoguardd against a live HA: its stderr lines are collected as they come (wait_line), and
    `api(type, ...)` talks to its domoguard/* WebSocket API."""

    def __init__(self, binary: Path, url: str, token_file: Path, db: Path, notify: bool = True,
                 extra: list[str] | None = None, env: dict[str, str] | None = None) -> None:
        self.binary, self.url, self.token_file, self.db = binary, url, token_file, db
        self.notify = notify
        self.extra = extra or []
        self.env = env  # added to the environment (e.g. a test hook); None = as inherited
        self.port = 0
        self.lines: list[str] = []
        self.last_index = -1  # index in lines of what wait_line last matched
        self._cv = threading.Condition()
        self._proc: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None
        self._ws: WebSocket | None = None
        self._ws_used = 0.0
        self._next_id = 1

    def __enter__(self) -> "Domoguardd":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self, timeout: float = 60.0) -> None:
        cmd = [str(self.binary), "--url", self.url, "--token-file", str(self.token_file), "--db", str(self.db),
               "--listen", f"{LOOPBACK}:0", *self.extra]
        if not self.notify:
            cmd.append("--no-notify")
        since = self.mark()  # a restarted daemon: only its own lines count
        env = {**os.environ, **self.env} if self.env else None
        self._proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                      start_new_session=True, env=env)
        track("domoguardd", self._proc.pid, str(self.db))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        m = self.wait_line(r"serving on http://[0-9.]+:(\d+)/", since=since, timeout=10)
        self.port = int(m.group(1))
        self.wait_line(r"full audit: score \d+, \d+ devices", since=since, timeout=timeout)

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        for line in self._proc.stderr:
            with self._cv:
                self.lines.append(line.rstrip("\n"))
                self._cv.notify_all()
        with self._cv:
            self._cv.notify_all()

    def mark(self) -> int:
        """The number of lines so far: pass it to wait_line to look only at what comes after."""
        with self._cv:
            return len(self.lines)

    def wait_line(self, pattern: str, since: int = 0, timeout: float = 30.0) -> re.Match:
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cv:
            i = since
            while True:
                while i < len(self.lines):
                    m = rx.search(self.lines[i])
                    if m:
                        self.last_index = i
                        return m
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or (self._proc is not None and self._proc.poll() is not None and i >= len(self.lines)):
                    tail = "\n".join(self.lines[-15:])
                    raise LiveError(f"domoguardd logged no line matching {pattern!r} "
                                    f"(exit {self._proc.poll() if self._proc else None}); last lines:\n{tail}")
                self._cv.wait(min(left, 0.2))

    def _api_socket(self) -> WebSocket:
        """The API connection, opened again after 5 s unused: the daemon (libwebsockets) pings a
        client five minutes into a connection and hangs up unless the pong comes within 10 s; a
        browser answers at once, this client only while it reads (long fault runs lost it there)."""
        now = time.monotonic()
        if self._ws is not None and now - self._ws_used > 5:
            self._ws.close()
            self._ws = None
        if self._ws is None:
            self._ws = WebSocket(LOOPBACK, self.port, "/api/websocket")
        self._ws_used = now
        return self._ws

    def api(self, type_: str, **fields: Any) -> Any:
        """One domoguard/* command over the daemon's WebSocket API; returns `result`."""
        self._api_socket()
        msg_id = self._next_id
        self._next_id += 1
        self._ws.send_json({"id": msg_id, "type": type_, **fields})
        while True:
            reply = self._ws.recv_json()
            if reply.get("id") == msg_id:
                break
        self._ws_used = time.monotonic()
        if not reply.get("success"):
            raise LiveError(f"domoguardd {type_} failed: {reply.get('error')}")
        return reply.get("result")

    def send(self, type_: str, **fields: Any) -> None:
        """Sends one domoguard/* command without waiting for its reply (e.g. to kill the daemon mid-way)."""
        self._api_socket().send_json({"id": self._next_id, "type": type_, **fields})
        self._next_id += 1

    def kill(self) -> None:
        """kill -9: no chance to clean up, as in a crash or a power cut."""
        if self._ws is not None:
            try:
                self._ws.close()
            except OSError:
                pass
            self._ws = None
        if self._proc is not None:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(timeout=10)
            if self._reader is not None:
                self._reader.join(timeout=5)
            self._proc = None

    def rss_kib(self) -> int:
        assert self._proc is not None
        for line in Path(f"/proc/{self._proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise LiveError("no VmRSS in /proc status")

    def stop(self) -> int | None:
        if self._ws is not None:
            self._ws.close()
            self._ws = None
        rc = None
        if self._proc is not None:
            _stop_process(self._proc, "domoguardd", 20)
            rc = self._proc.returncode
            if self._reader is not None:
                self._reader.join(timeout=5)
            self._proc = None
        return rc
