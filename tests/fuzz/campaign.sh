#!/usr/bin/env bash
# A long fuzzing campaign: tests/fuzz/campaign.sh HOURS [TARGET...]
# Runs the targets in turn, in rounds of at most FUZZ_ROUND_SECONDS each (one hour by default, the
# time shared equally), until HOURS are spent or every target has run FUZZ_GOAL executions (10
# million by default; a target that reached it leaves its time to the others). Keeps each corpus in
# tests/fuzz/corpus/<target> (minimised with libFuzzer's merge after each round) and turns every
# crash into a regression input in tests/fuzz/regressions/<target>/ (minimised; run.sh replays them
# all in CI). After every round it writes the figures so far (executions, executions per second,
# coverage, crashes, corpus size per target) to $FUZZ_CAMPAIGN_DIR/summary.txt, so a campaign stopped
# early still says where it stands. Two campaigns may run side by side, on one target or on several, with
# different FUZZ_CAMPAIGN_DIRs. On a shared machine run it at low priority (nice -n 19).
# Commit the corpora and regressions it leaves. FUZZ_FLAGS passes more flags to libFuzzer
# (for example -entropic=0).
#
# The figures add up across campaigns: $FUZZ_CAMPAIGN_DIR/totals.tsv (target, executions, seconds,
# crashes) is read at the start and written after every round, so a campaign stopped or cut short
# goes on from where the last one in the same folder left off, and the goal counts all of them.
set -euo pipefail
HOURS="${1:?usage: tests/fuzz/campaign.sh HOURS [TARGET...]}"
shift
source "$(dirname "$0")/common.sh"
[ $# -gt 0 ] && TARGETS=("$@")
WORK="${FUZZ_CAMPAIGN_DIR:-$BUILD/campaign}"
GOAL="${FUZZ_GOAL:-10000000}"
# AddressSanitizer set for throughput (a campaign makes billions of allocations): no stack kept per
# allocation and free (a crash is still caught and its input saved; replaying it, as run.sh does for
# every regression input, prints the stacks), new blocks not filled, and freed blocks quarantined up
# to 1 MB rather than 256 (a use after free is caught while the block is among the last 1 MB freed,
# which holds the blocks an input freed moments before; CI replays every corpus input with the full
# quarantine). fuzz_api: 291 -> 528 executions/s without the stacks and the fill (16 MB quarantine),
# then 314 -> 489/s with 1 MB (side by side, same minutes): a block handed out again from a large
# quarantine is cold in the cache, and its header and shadow were the allocator's misses.
# ASAN_OPTIONS overrides.
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=0:max_malloc_fill_size=0:quarantine_size_mb=1}"
[ "${FUZZ_SKIP_BUILD:-}" = 1 ] || fuzz_build  # FUZZ_SKIP_BUILD=1: use the targets already built
mkdir -p "$WORK"
fuzz_seeds "$WORK/seeds"

end=$(( $(date +%s) + $(awk -v h="$HOURS" 'BEGIN { printf "%d", h * 3600 }') ))
round_max="${FUZZ_ROUND_SECONDS:-3600}"
declare -A execs spent cov ft crashes
for t in "${TARGETS[@]}"; do execs[$t]=0; spent[$t]=0; cov[$t]=0; ft[$t]=0; crashes[$t]=0; done
TOTALS="$WORK/totals.tsv"
if [ -f "$TOTALS" ]; then
  while IFS=$'\t' read -r t e s c; do
    [[ -n "${execs[$t]+set}" && "$e" =~ ^[0-9]+$ && "$s" =~ ^[0-9]+$ && "$c" =~ ^[0-9]+$ ]] || continue
    execs[$t]=$e; spent[$t]=$s; crashes[$t]=$c
  done < "$TOTALS"
fi

summary() {
  local t
  {
    echo "== after round $1 ($(date -u +%H:%M) UTC)"
    for t in "${TARGETS[@]}"; do
      echo "fuzz_$t: ${execs[$t]} executions in ${spent[$t]} s, $(( ${execs[$t]} / (${spent[$t]} > 0 ? ${spent[$t]} : 1) ))/s," \
           "cov ${cov[$t]} ft ${ft[$t]}, ${crashes[$t]} crashes, corpus $(ls "$ROOT/tests/fuzz/corpus/$t" 2>/dev/null | wc -l) inputs"
    done
  } | tee "$WORK/summary.txt"
  # Keep the totals of targets this campaign did not run, then write this campaign's.
  local keep=""
  [ -f "$TOTALS" ] && keep=$(awk -F'\t' -v run=" ${TARGETS[*]} " 'index(run, " " $1 " ") == 0' "$TOTALS")
  { [ -n "$keep" ] && printf '%s\n' "$keep"
    for t in "${TARGETS[@]}"; do printf '%s\t%s\t%s\t%s\n' "$t" "${execs[$t]}" "${spent[$t]}" "${crashes[$t]}"; done
  } > "$TOTALS.tmp" && mv "$TOTALS.tmp" "$TOTALS"
}

# One round of target $1, run $2, for at most $3 seconds.
fuzz_round() {
  local t="$1" r="$2" slice="$3" corpus="$ROOT/tests/fuzz/corpus/$1" regress="$ROOT/tests/fuzz/regressions/$1"
  local log="$WORK/$1/round-$2.log" started deadline left n took c f name
  mkdir -p "$corpus" "$regress" "$WORK/$t/new" "$WORK/$t/crashes"
  echo "== round $r: fuzz_$t for ${slice}s"
  # One fuzzing process, started again after each crash (saved to crashes/) until the slice or the
  # goal is reached: it loads the corpus once, where fork mode would replay part of it in every job.
  # -timeout is generous: at low priority on a busy machine a normal input can wait seconds.
  started=$(date +%s); deadline=$(( started + slice )); : > "$log"
  while left=$(( deadline - $(date +%s) )); [ "$left" -ge 5 ]; do
    n=$( (grep -Eo "stat::number_of_executed_units: *[0-9]+" "$log" || true) | awk '{s += $2} END {print s + 0}')
    [ $(( execs[$t] + n )) -lt "$GOAL" ] || break
    # shellcheck disable=SC2086  # FUZZ_FLAGS: more libFuzzer flags, split on spaces
    (cd "$WORK/$t" && "$BUILD/bin/fuzz_$t" -max_total_time="$left" -runs=$(( GOAL - execs[$t] - n )) -max_len=65536 \
       -rss_limit_mb=2048 -timeout=60 -print_final_stats=1 -artifact_prefix="$WORK/$t/crashes/" ${FUZZ_FLAGS:-} \
       "$WORK/$t/new" "$corpus" "$WORK/seeds/$t" 2>>"$log") || true
  done
  # Executions: libFuzzer's final statistics of each run (printed on a crash too).
  n=$( (grep -Eo "stat::number_of_executed_units: *[0-9]+" "$log" || true) | awk '{s += $2} END {print s + 0}')
  took=$(( $(date +%s) - started )); [ "$took" -lt 1 ] && took=1
  execs[$t]=$(( execs[$t] + n )); spent[$t]=$(( spent[$t] + took ))
  # Coverage: the largest "cov:"/"ft:" the fuzzer reported (edges and features of the whole corpus).
  c=$( (grep -Eo "cov: [0-9]+" "$log" || true) | awk '$2 > m {m = $2} END {print m + 0}')
  f=$( (grep -Eo "ft: [0-9]+" "$log" || true) | awk '$2 > m {m = $2} END {print m + 0}')
  [ "$c" -gt "${cov[$t]}" ] && cov[$t]=$c
  [ "$f" -gt "${ft[$t]}" ] && ft[$t]=$f
  echo "   $n executions ($(( n / took ))/s), cov $c ft $f"
  # Keep only inputs that add coverage. Two campaigns may share a target's corpus: the merge and the
  # swap are done under one lock, and the corpus is replaced only by a merge that finished (one that
  # read a corpus being swapped under it once left a quarter of it).
  (
    flock 9
    rm -rf "$WORK/$t/merged" && mkdir -p "$WORK/$t/merged"
    if "$BUILD/bin/fuzz_$t" -merge=1 -rss_limit_mb=2048 -timeout=60 "$WORK/$t/merged" "$corpus" "$WORK/$t/new" \
         >"$WORK/$t/merge-$r.log" 2>&1 && [ -n "$(ls -A "$WORK/$t/merged")" ]; then
      rm -rf "$corpus" && mv "$WORK/$t/merged" "$corpus"
      # What the round found is in the corpus now: the next round need not load it twice.
      find "$WORK/$t/new" -type f -delete
    else
      echo "   the merge did not finish (see $WORK/$t/merge-$r.log): the corpus is kept as it was"
    fi
  ) 9>"$BUILD/.merge-$t.lock"
  # Every crash becomes a minimised regression input.
  for c in "$WORK/$t/crashes"/*; do
    [ -e "$c" ] || continue
    name="$(basename "$c")"
    # A slow unit is no failure: libFuzzer reports one that took over 10 s, which a process paused or
    # starved by the machine does too. Kept only when it is slow again on its own.
    if [[ "$name" == slow-unit-* ]]; then
      local t0 ms
      t0=$(date +%s%N); "$BUILD/bin/fuzz_$t" -runs=1 "$c" >/dev/null 2>&1 || true
      ms=$(( ($(date +%s%N) - t0) / 1000000 ))
      if [ "$ms" -lt 2000 ]; then
        echo "   slow unit $name took ${ms} ms on replay: not kept"
        rm -f "$c"
        continue
      fi
    fi
    "$BUILD/bin/fuzz_$t" -minimize_crash=1 -runs=20000 -exact_artifact_path="$regress/$name" "$c" >/dev/null 2>&1 \
      || cp "$c" "$regress/$name"
    [ -e "$regress/$name" ] || cp "$c" "$regress/$name"
    echo "   crash kept as tests/fuzz/regressions/$t/$name"
    crashes[$t]=$(( crashes[$t] + 1 ))
    rm -f "$c"
  done
}

r=0
while :; do
  left_targets=()
  for t in "${TARGETS[@]}"; do [ "${execs[$t]}" -lt "$GOAL" ] && left_targets+=("$t"); done
  [ ${#left_targets[@]} -gt 0 ] || break
  r=$(( r + 1 ))
  # The time left shared among the targets still short of the goal, at most one round's worth each.
  slice=$(( (end - $(date +%s)) / ${#left_targets[@]} )); [ "$slice" -gt "$round_max" ] && slice=$round_max
  for t in "${left_targets[@]}"; do
    [ $(( end - $(date +%s) )) -ge 10 ] || break 2
    [ "$slice" -lt 10 ] && slice=10
    fuzz_round "$t" "$r" "$slice"
  done
  summary "$r"
done
summary "$r"
