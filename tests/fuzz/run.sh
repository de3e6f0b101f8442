#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in a separate build folder, replays every saved crash
# input, and runs each target briefly, seeded from tests/fixtures and the committed corpora.
# Usage: tests/fuzz/run.sh [SECONDS_PER_TARGET]   (default 20). Long runs: tests/fuzz/campaign.sh.
set -euo pipefail
SECONDS_PER_TARGET="${1:-20}"
source "$(dirname "$0")/common.sh"
WORK="$BUILD/fuzz-work"

fuzz_build
rm -rf "$WORK" && mkdir -p "$WORK/crashes"
fuzz_seeds "$WORK"

status=0
fuzz_regressions || status=1
for t in "${TARGETS[@]}"; do
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s"
  if ! (cd "$WORK/crashes" && "$BUILD/bin/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 \
          -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "$WORK/$t" 2>"$WORK/fuzz_$t.log"); then
    echo "fuzz_$t FAILED; see $WORK/fuzz_$t.log and $WORK/crashes/"; tail -40 "$WORK/fuzz_$t.log"; status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$WORK/fuzz_$t.log" | tail -2
  fi
done
exit $status
