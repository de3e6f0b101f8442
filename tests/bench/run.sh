#!/usr/bin/env bash
# DomoGuard's benchmark suite on the synthetic 2,000-device / 10,000-entity home, side by side in one run:
#   1. parse floor (Boost.JSON over the same bytes), full audit (bytes → findings), their ratio,
#      incremental re-audit of one device                                      (build/bin/domoguard_bench)
#   2. the CLI as a whole process (`domoguard audit DIR --format json --no-history`) against a Python
#      peer doing fourteen of the checks over the same files: CPU time (user + system, getrusage),
#      median of interleaved runs, and the ratio                               (tests/bench/python_peer.py)
#      The peer runs in the Python running this script and, where they differ, in the system's
#      /usr/bin/python3 and in HA's own Python (the HA root of tests/live, when DG_HA_ROOT names it and
#      this runs as root): an interpreter built without its optimisations (pyenv's default) is slower.
#   3. the daemon's resident memory, steady and peak                          (tests/bench/bench_daemon_memory.sh)
#   4. with --ha: the integration's full and incremental refresh inside Home Assistant (needs root
#      and the HA root of tests/live; builds the wheel unless DOMOGUARD_WHEEL is set)
#                                                                              (tests/bench/bench_ha_refresh.sh)
# Figures only; nothing here asserts a time or a size (targets are printed next to the figures).
#   bash tests/bench/run.sh [--short] [--ha] [DEVICES]      (uses build/bin; --short: fewer rounds, < 3 min)
set -euo pipefail
cd "$(dirname "$0")/../.."
short=0
ha=0
devices=2000
for a in "$@"; do
  case "$a" in
    --short) short=1 ;;
    --ha) ha=1 ;;
    [0-9]*) devices=$a ;;
    *) echo "usage: $0 [--short] [--ha] [DEVICES]" >&2; exit 2 ;;
  esac
done
bin=${DOMOGUARD_BIN:-build/bin}
for b in domoguard domoguardd domoguard_bench; do
  [ -x "$bin/$b" ] || { echo "missing $bin/$b (build the targets domoguard domoguardd domoguard_bench)" >&2; exit 1; }
done
if [ "$short" = 1 ]; then rounds=5; cli_runs=5; else rounds=15; cli_runs=11; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== core: parse floor, full audit, incremental re-audit"
"$bin/domoguard_bench" "$devices" "$rounds"

echo
echo "== whole process: domoguard CLI vs the Python peer (same replies folder, CPU time)"
mkdir -p "$work/home"
"$bin/domoguard_bench" "$devices" 1 write "$work/home"
python3 - "$bin/domoguard" "$work/home" "$cli_runs" <<'PY'
import json, os, shutil, statistics, subprocess, sys, tempfile
cli, home, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
peer = os.path.join("tests", "bench", "python_peer.py")
commands = {
    "domoguard CLI": [cli, "audit", home, "--format", "json", "--no-history"],
    "Python peer": [sys.executable, peer, home],
}
def version(argv):
    out = subprocess.run(argv + ["-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else None
labels = {"Python peer": f"{sys.executable} ({version([sys.executable])})"}
system = "/usr/bin/python3"
if os.path.exists(system) and os.path.realpath(system) != os.path.realpath(sys.executable) and version([system]):
    commands["peer, system Python"] = [system, peer, home]
    labels["peer, system Python"] = f"{system} ({version([system])})"
ha_root = os.environ.get("DG_HA_ROOT", "")
ha_python = "/opt/ha/bin/python3"
if ha_root and os.geteuid() == 0 and os.path.lexists(ha_root + ha_python):
    inside = tempfile.mkdtemp(prefix="dg-peer-", dir=ha_root + "/tmp")
    shutil.copytree(home, inside + "/home")
    shutil.copy(peer, inside)
    at = inside[len(ha_root):]
    commands["peer, HA's Python"] = ["chroot", ha_root, ha_python, at + "/python_peer.py", at + "/home"]
    labels["peer, HA's Python"] = f"{ha_python} in the HA root ({version(['chroot', ha_root, ha_python])}; via chroot)"
def run(argv):
    """CPU seconds (user + system) and peak RSS of one child process, from wait4's rusage."""
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=null)
        out = p.stdout.read()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode, out
# What each found, once (a peer that found nothing would be no comparison).
_, _, rc, out = run(commands["domoguard CLI"])
report = json.loads(out)
ours = len(report.get("findings", [])) if isinstance(report, dict) else len(report)
found = {}
for name in commands:
    if name == "domoguard CLI":
        continue
    _, _, prc, pout = run(commands[name])
    found[name] = (len(json.loads(pout)) if prc == 0 else 0, prc)
    if prc != 0 or found[name][0] == 0:
        sys.exit(f"the Python peer failed in {labels[name]} (exit {prc}, {found[name][0]} findings)")
cpu = {k: [] for k in commands}
rss = {k: [] for k in commands}
for _ in range(runs):          # interleaved, so load on a shared machine hits both alike
    for name, argv in commands.items():
        t, m, _, _ = run(argv)
        cpu[name].append(t)
        rss[name].append(m)
for name in commands:
    n, code = (ours, rc) if name == "domoguard CLI" else found[name]
    print(f"{name:<20} CPU {statistics.median(cpu[name]) * 1000:7.0f} ms median of {runs} "
          f"(min {min(cpu[name]) * 1000:.0f}), peak RSS {statistics.median(rss[name]):5.1f} MiB, "
          f"{n} findings (exit {code})" + (f"  [{labels[name]}]" if name in labels else ""))
ratio = statistics.median(cpu["domoguard CLI"]) / statistics.median(cpu["Python peer"])
print(f"CLI CPU / Python peer CPU: {ratio:.2f}x  (target <= 0.20x; the peer does 14 checks)")
for name in commands:
    if name not in ("domoguard CLI", "Python peer"):
        r = statistics.median(cpu["domoguard CLI"]) / statistics.median(cpu[name])
        print(f"  against {name[6:]}: {r:.2f}x")
if ha_root and "peer, HA's Python" in commands:
    shutil.rmtree(inside, ignore_errors=True)
PY

echo
echo "== daemon memory"
DOMOGUARD_BIN="$bin" bash tests/bench/bench_daemon_memory.sh "$devices"


if [ "$ha" = 1 ]; then
  echo
  echo "== the integration inside Home Assistant"
  if bash tests/bench/bench_ha_refresh.sh "$devices" >"$work/ha.log" 2>&1; then
    grep -E '^(HA home|full refresh|  [a-z]|state change)' "$work/ha.log"
  else
    tail -n 30 "$work/ha.log"
    echo "the Home Assistant benchmark failed" >&2
    exit 1
  fi
fi
