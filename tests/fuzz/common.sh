# Shared by run.sh and campaign.sh: builds the libFuzzer targets with clang in a separate build
# folder and writes seed inputs from the fixtures. Sourced, not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
TARGETS=(storage replies tar yaml websocket api profile)
ALL_TARGETS=("${TARGETS[@]}")

fuzz_build() {
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDOMOGUARD_FUZZ=ON -DDOMOGUARD_BUILD_TESTS=OFF -DDOMOGUARD_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]/#/fuzz_}"
}

# fuzz_seeds DIR: DIR/<target>/ filled with seeds (the selector byte, where a target has one,
# followed by a real file), plus the committed corpus and regression inputs of each target.
fuzz_seeds() {
  local work="$1" fix="$ROOT/tests/fixtures/ha" t i dir f
  for t in "${ALL_TARGETS[@]}"; do mkdir -p "$work/$t"; done
  local storage_keys=(core.device_registry core.entity_registry core.area_registry core.config_entries core.config
                      core.analytics core.uuid auth auth_module.totp homeassistant.exposed_entities cloud http)
  for i in "${!storage_keys[@]}"; do
    for dir in "$fix/config-v3/.storage" "$fix/storage-v1/.storage"; do
      f="$dir/${storage_keys[$i]}"
      [ -f "$f" ] && { printf "\\x$(printf %02x "$i")"; cat "$f"; } > "$work/storage/$(basename "$dir")-$i-$(basename "$(dirname "$dir")")"
    done
  done
  local commands=(get_config config__auth__list auth__current_user config_entries__get manifest__list
                  config__area_registry__list config__device_registry__list config__entity_registry__list get_states
                  homeassistant__expose_entity__list homeassistant__expose_new_entities__get analytics cloud__status
                  zwave_js__network_status automation__config)
  for i in "${!commands[@]}"; do
    f="$fix/ws/${commands[$i]}.json"
    [ -f "$f" ] && { printf "\\x$(printf %02x "$i")"; cat "$f"; } > "$work/replies/$i"
  done
  # A small backup in the Supervisor layout (kept small so mutations reach the interesting parts).
  local stage="$work/stage"; mkdir -p "$stage/inner/data/.storage"
  cp "$fix/config-v3/.HA_VERSION" "$stage/inner/data/"
  cp "$fix/config-v3/.storage/core.uuid" "$fix/config-v3/.storage/core.area_registry" "$stage/inner/data/.storage/"
  echo '{"slug":"a","protected":false}' > "$stage/backup.json"
  (cd "$stage" && tar czf homeassistant.tar.gz -C inner data && tar cf "$work/tar/plain.tar" backup.json homeassistant.tar.gz \
    && tar czf "$work/tar/gz.tar.gz" backup.json homeassistant.tar.gz && tar cf "$work/tar/config.tar" -C inner data)
  # API requests as the panel sends them.
  i=0
  for f in '{"id":1,"type":"domoguard/status"}' '{"id":2,"type":"domoguard/audit","lang":"de"}' \
           '{"id":3,"type":"domoguard/plan","selector":["--level","recommended"]}' \
           '{"id":4,"type":"domoguard/apply","selector":["--child-safe","on"],"user":"Alex"}' \
           '{"id":5,"type":"domoguard/undo"}' '{"id":6,"type":"domoguard/journal"}' '{"id":7,"type":"domoguard/history"}' \
           '{"id":8,"type":"domoguard/notice"}' '{"id":9,"type":"domoguard/notice/ack","version":"x","user":"A"}' \
           '{"id":10,"type":"domoguard/settings/set","privacy_default":false}' '{"id":11,"type":"domoguard/explain","rule":"DG-CAM-001"}' \
           '{"id":12,"type":"domoguard/device","device_id":"x"}' '{"id":13,"type":"domoguard/catalog"}' \
           '{"id":14,"type":"domoguard/plan","selector":["--scenario","away"]}' '{"id":15,"type":"domoguard/plan","journal_id":1}'; do
    printf '%s' "$f" > "$work/api/seed-$((i++))"
  done
  # Sessions: requests separated by the byte 0x1E, answered in order by one service.
  printf '{"id":1,"type":"domoguard/apply","selector":["--child-safe","on"]}\x1e{"id":2,"type":"domoguard/journal"}\x1e{"id":3,"type":"domoguard/undo"}\x1e{"id":4,"type":"domoguard/settings"}' \
    > "$work/api/session-apply-undo"
  printf '{"id":1,"type":"domoguard/settings/set","privacy_default":false}\x1e{"id":2,"type":"domoguard/hold/pause","mode":"child_safe","seconds":60}\x1e{"id":3,"type":"domoguard/hold"}' \
    > "$work/api/session-settings"
  printf '{"id":1,"type":"domoguard/accept","key":"DG-CAM-001|device:x","reason":"r"}\x1e{"id":2,"type":"domoguard/accepted","all":true}\x1e{"id":3,"type":"domoguard/accept/withdraw","key":"DG-CAM-001|device:x"}' \
    > "$work/api/session-accept"
  cp "$ROOT"/manifests/profiles/*.json "$work/profile/" 2>/dev/null || true
  # YAML: a config folder in one input, its files in fuzz_yaml's order, separated by "#@@" lines.
  local yfix="$fix/config-yaml" sep=$'\n#@@\n'
  { cat "$yfix/configuration.yaml"; printf '%s' "$sep"; cat "$yfix/automations.yaml"; printf '%s' "$sep"
    cat "$yfix/scripts.yaml"; printf '%s' "$sep"; cat "$yfix/packages/presence.yaml"; printf '%s' "$sep"
    cat "$yfix/automations/garage.yaml"; printf '%s' "$sep"; cat "$yfix/blueprints/automation/homeassistant/motion_light.yaml"
  } > "$work/yaml/config-yaml"
  { cat "$fix/config-v3/configuration.yaml"; printf '%s' "$sep"; cat "$fix/config-v3/automations.yaml"; } > "$work/yaml/config-v3"
  printf 'a: &a [x, x]\nb: &b [*a, *a]\nc: !include inc/a.yaml\nd: !include_dir_named inc\n%s%s%s%s%s%s%s!include sub/b.yaml%s[*x' \
    "$sep" "$sep" "$sep" "$sep" "$sep" "$sep" "$sep" "$sep" > "$work/yaml/includes"
  # WebSocket: the upgrade's headers, then requests in pieces (flag byte, 2-byte length, bytes).
  local piece hdr
  piece() { printf "\\x$(printf %02x "$1")\\x$(printf %02x $(( ${#2} & 255 )))\\x$(printf %02x $(( ${#2} >> 8 )))"; printf '%s' "$2"; }
  hdr=$'127.0.0.1:8099\nhttp://localhost:8099\n-\n127.0.0.1\n-\n\n'
  { printf '%s' "$hdr"; piece 1 '{"id":1,"type":"domoguard/status"}'; piece 0 '{"id":2,"type":'; piece 1 '"domoguard/audit"}'; } \
    > "$work/websocket/local"
  { printf 'domoguard.lan\nhttps://domoguard.lan\n/api/hassio_ingress/abc_DEF-1\n172.30.32.2\nAlex\n\n'
    piece 1 '{"id":3,"type":"domoguard/apply","selector":["--child-safe","on"],"user":"Mallory"}'; piece 1 '[1,2]'
    piece 3 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'; } > "$work/websocket/ingress"
  { printf 'attacker.test:8099\nhttp://attacker.test:8099\n/api/hassio_ingress/../x\n10.0.0.9\n-\n\n'
    piece 1 '{"type":"domoguard/status","id":{"a":[1]}}'; } > "$work/websocket/rebound"
  for t in "${ALL_TARGETS[@]}"; do
    for dir in "$ROOT/tests/fuzz/corpus/$t" "$ROOT/tests/fuzz/regressions/$t"; do
      [ -d "$dir" ] && cp "$dir"/* "$work/$t/" 2>/dev/null || true
    done
  done
  return 0
}

# fuzz_regressions: every saved crash input of every target, run once (each must pass now).
fuzz_regressions() {
  local t files status=0
  for t in "${TARGETS[@]}"; do
    files=("$ROOT/tests/fuzz/regressions/$t"/*)
    [ -e "${files[0]}" ] || continue
    if ! "$BUILD/bin/fuzz_$t" -rss_limit_mb=2048 -timeout=20 "${files[@]}" >/dev/null 2>&1; then
      echo "fuzz_$t: a regression input fails again (tests/fuzz/regressions/$t)"; status=1
    fi
  done
  return $status
}
