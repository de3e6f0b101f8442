#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in a separate build folder and runs each one briefly,
# seeded from tests/fixtures. Usage: tests/fuzz/run.sh [SECONDS_PER_TARGET]   (default 20)
set -euo pipefail
SECONDS_PER_TARGET="${1:-20}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
WORK="$BUILD/fuzz-work"

CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDOMOGUARD_FUZZ=ON -DDOMOGUARD_BUILD_TESTS=OFF -DDOMOGUARD_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target fuzz_storage fuzz_replies fuzz_tar

rm -rf "$WORK" && mkdir -p "$WORK"/{storage,replies,tar,crashes}
FIX="$ROOT/tests/fixtures/ha"

# Seeds: the selector byte (index into the target's list) followed by a real file.
storage_keys=(core.device_registry core.entity_registry core.area_registry core.config_entries core.config
              core.analytics core.uuid auth auth_module.totp homeassistant.exposed_entities cloud http)
for i in "${!storage_keys[@]}"; do
  for dir in "$FIX/config-v3/.storage" "$FIX/storage-v1/.storage"; do
    f="$dir/${storage_keys[$i]}"
    [ -f "$f" ] && { printf "\\x$(printf %02x "$i")"; cat "$f"; } > "$WORK/storage/$(basename "$dir")-$i-$(basename "$(dirname "$dir")")"
  done
done
commands=(get_config config__auth__list auth__current_user config_entries__get manifest__list
          config__area_registry__list config__device_registry__list config__entity_registry__list get_states
          homeassistant__expose_entity__list homeassistant__expose_new_entities__get analytics cloud__status
          zwave_js__network_status automation__config)
for i in "${!commands[@]}"; do
  f="$FIX/ws/${commands[$i]}.json"
  [ -f "$f" ] && { printf "\\x$(printf %02x "$i")"; cat "$f"; } > "$WORK/replies/$i"
done
# A small backup in the Supervisor layout (kept small so mutations reach the interesting parts).
STAGE="$WORK/stage"; mkdir -p "$STAGE/inner/data/.storage"
cp "$FIX/config-v3/.HA_VERSION" "$STAGE/inner/data/"
cp "$FIX/config-v3/.storage/core.uuid" "$FIX/config-v3/.storage/core.area_registry" "$STAGE/inner/data/.storage/"
echo '{"slug":"a","protected":false}' > "$STAGE/backup.json"
(cd "$STAGE" && tar czf homeassistant.tar.gz -C inner data && tar cf "$WORK/tar/plain.tar" backup.json homeassistant.tar.gz \
  && tar czf "$WORK/tar/gz.tar.gz" backup.json homeassistant.tar.gz && tar cf "$WORK/tar/config.tar" -C inner data)

status=0
for t in storage replies tar; do
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s"
  if ! (cd "$WORK/crashes" && "$BUILD/bin/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 \
          -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "$WORK/$t" 2>"$WORK/fuzz_$t.log"); then
    echo "fuzz_$t FAILED; see $WORK/fuzz_$t.log and $WORK/crashes/"; tail -40 "$WORK/fuzz_$t.log"; status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$WORK/fuzz_$t.log" | tail -2
  fi
done
exit $status
