#!/usr/bin/env bash
# The daemon's resident memory with the synthetic 2,000-device / 10,000-entity home (target: <= 32 MB):
# domoguard_bench writes the home as a folder of WebSocket replies, domoguardd serves it (--source),
# the script asks for the audit, the settings and a plan through the API, and prints VmRSS and VmHWM.
# Figures only; it asserts nothing about memory.
#   bash tests/bench/bench_daemon_memory.sh [DEVICES]     (uses build/bin, or $DOMOGUARD_BIN)
set -euo pipefail
cd "$(dirname "$0")/../.."
devices=${1:-2000}
bin=${DOMOGUARD_BIN:-build/bin}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin"/domoguard_bench "$devices" 1 write "$work" >/dev/null
"$bin"/domoguardd --source "$work" --listen 127.0.0.1:0 --db "$work/history.db" >"$work/log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/log" | head -n1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "domoguardd did not start" >&2; exit 1; }
rss() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
after_start=$(rss VmRSS)
python3 - "$port" "$pid" <<'PY'
import base64, json, os, socket, sys
port, pid = int(sys.argv[1]), sys.argv[2]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
s = socket.create_connection(("127.0.0.1", port), timeout=60)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /api/websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
buf = b""
while b"\r\n\r\n" not in buf:
    buf += s.recv(4096)
rest = buf.split(b"\r\n\r\n", 1)[1]
def recv_exact(n):
    global rest
    while len(rest) < n:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("connection closed")
        rest += chunk
    out, rest = rest[:n], rest[n:]
    return out
def send(obj):
    data = json.dumps(obj).encode()
    mask = os.urandom(4)
    n = len(data)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big"))
    s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
def recv():
    payload = b""
    while True:
        b0, b1 = recv_exact(2)
        n = b1 & 0x7F
        if n == 126: n = int.from_bytes(recv_exact(2), "big")
        elif n == 127: n = int.from_bytes(recv_exact(8), "big")
        payload += recv_exact(n)
        if b0 & 0x80: return json.loads(payload)
for i, req in enumerate([{"type": "domoguard/audit"}, {"type": "domoguard/settings"},
                         {"type": "domoguard/plan", "selector": ["--level", "strict"]}, {"type": "domoguard/notice"}]):
    send({"id": i + 1, **req})
    reply = recv()
    assert reply.get("success"), reply
    print(f"  after {req['type']:<20} {len(json.dumps(reply)) / 1e6:5.1f} MB answer, VmRSS {rss():.1f} MiB")
PY
after_api=$(rss VmRSS)
sleep 11   # the daemon hands freed heap back every 10 s
settled=$(rss VmRSS)
peak=$(rss VmHWM)
echo "daemon with $devices devices: VmRSS ${after_start} MiB after the first audit, ${after_api} MiB right after"
echo "  audit/settings/plan/notice over the API, ${settled} MiB 10 s later; peak (VmHWM) ${peak} MiB (target <= 32 MB)"
