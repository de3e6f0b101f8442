#!/usr/bin/env bash
# A long fuzzing campaign: tests/fuzz/campaign.sh HOURS [TARGET...]
# Runs every target in turn (HOURS shared equally, in rounds of at most one hour each, so every
# target gets time early), keeps each corpus in tests/fuzz/corpus/<target> (minimised with
# libFuzzer's merge after each round), and turns every crash into a regression input in
# tests/fuzz/regressions/<target>/ (minimised; run.sh replays them all in CI). Prints executions
# and executions per second per target. Commit the corpora and regressions it leaves.
set -euo pipefail
HOURS="${1:?usage: tests/fuzz/campaign.sh HOURS [TARGET...]}"
shift
source "$(dirname "$0")/common.sh"
[ $# -gt 0 ] && TARGETS=("$@")
WORK="$BUILD/campaign"
[ "${FUZZ_SKIP_BUILD:-}" = 1 ] || fuzz_build  # FUZZ_SKIP_BUILD=1: use the targets already built
mkdir -p "$WORK"
fuzz_seeds "$WORK/seeds"

total=$(awk -v h="$HOURS" 'BEGIN { printf "%d", h * 3600 }')
per_target=$(( total / ${#TARGETS[@]} ))
rounds=$(( (per_target + 3599) / 3600 )); [ "$rounds" -lt 1 ] && rounds=1
slice=$(( per_target / rounds )); [ "$slice" -lt 10 ] && slice=10
declare -A execs
for t in "${TARGETS[@]}"; do execs[$t]=0; done

for ((r = 1; r <= rounds; r++)); do
  for t in "${TARGETS[@]}"; do
    corpus="$ROOT/tests/fuzz/corpus/$t"; regress="$ROOT/tests/fuzz/regressions/$t"
    mkdir -p "$corpus" "$regress" "$WORK/$t/new" "$WORK/$t/crashes"
    echo "== round $r/$rounds: fuzz_$t for ${slice}s"
    # -fork keeps going after a crash, saving each one; the corpus grows in $WORK/$t/new.
    (cd "$WORK/$t" && "$BUILD/bin/fuzz_$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
       -max_total_time="$slice" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$WORK/$t/crashes/" "$WORK/$t/new" "$corpus" "$WORK/seeds/$t" 2>"$WORK/$t/round-$r.log") || true
    # Executions: the last "#N:" progress line of fork mode, else libFuzzer's final statistics.
    n=$( (grep -Eo "^#[0-9]+" "$WORK/$t/round-$r.log" || true) | tail -1 | tr -d '#')
    [ -n "$n" ] || n=$( (grep -Eo "stat::number_of_executed_units: *[0-9]+" "$WORK/$t/round-$r.log" || true) | awk '{s += $2} END {print s + 0}')
    execs[$t]=$(( ${execs[$t]} + ${n:-0} ))
    echo "   $n executions ($(( ${n:-0} / slice ))/s)"
    # Keep only inputs that add coverage.
    rm -rf "$WORK/$t/merged" && mkdir -p "$WORK/$t/merged"
    "$BUILD/bin/fuzz_$t" -merge=1 -rss_limit_mb=2048 -timeout=10 "$WORK/$t/merged" "$corpus" "$WORK/$t/new" \
      >/dev/null 2>&1 || true
    if [ -n "$(ls -A "$WORK/$t/merged")" ]; then rm -rf "$corpus" && mv "$WORK/$t/merged" "$corpus"; fi
    # Every crash becomes a minimised regression input.
    for c in "$WORK/$t/crashes"/*; do
      [ -e "$c" ] || continue
      name="$(basename "$c")"
      "$BUILD/bin/fuzz_$t" -minimize_crash=1 -runs=20000 -exact_artifact_path="$regress/$name" "$c" >/dev/null 2>&1 \
        || cp "$c" "$regress/$name"
      [ -e "$regress/$name" ] || cp "$c" "$regress/$name"
      echo "   crash kept as tests/fuzz/regressions/$t/$name"
      rm -f "$c"
    done
  done
done

echo "== executions per target over ${HOURS} h"
for t in "${TARGETS[@]}"; do
  echo "fuzz_$t: ${execs[$t]} executions, $(( ${execs[$t]} / (per_target > 0 ? per_target : 1) ))/s, corpus $(ls "$ROOT/tests/fuzz/corpus/$t" | wc -l) inputs"
done
