#!/usr/bin/env bash
# Bounded cargo-fuzz run of every fuzz target (docs/FUZZING.md).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     default: 20 seconds, every target
#
# Seeds fuzz/corpus/<target>/ (gitignored, kept between runs so the corpus grows) from the device
# fixtures in tests/fixtures/devices/ and the committed seeds in fuzz/seeds/<target>/, builds the
# targets with the nightly toolchain (installs cargo-fuzz when missing), runs each target for the
# given time and exits non-zero when any target crashed, printing the reproducer's path.
# Without an installed nightly toolchain it prints that fuzzing was skipped and exits 0.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-20}
shift || true
ALL_TARGETS=(hikvision generic_json multipart device_time validators schedule vendors)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi
FIX=tests/fixtures/devices
CORPUS=fuzz/corpus

case "$SECS" in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2 ;; esac

if ! command -v rustup >/dev/null 2>&1 || ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz: no nightly toolchain installed (rustup toolchain install nightly); fuzzing skipped"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

# --- seed corpora -----------------------------------------------------------------------------

# prefixed OUT BYTE FILE: writes the byte (decimal) followed by FILE's bytes to OUT.
prefixed() {
    { printf "\\$(printf '%03o' "$2")"; cat "$3"; } >"$1"
}

# Content-type selector bytes of the hikvision target (fuzz_targets/hikvision.rs, CONTENT_TYPES).
CT_XML=0 CT_JSON=1 CT_FORM=2 CT_MIXED=3 CT_NONE=5

seed_hikvision() {
    local d=$CORPUS/hikvision f b
    mkdir -p "$d"
    for f in "$FIX"/hikvision-isapi-alert/*.xml "$FIX"/onvif/*.xml "$FIX"/gb28181/*.xml; do
        b=$(basename "$f")
        prefixed "$d/seed-xml-$b" $CT_XML "$f"
        prefixed "$d/seed-none-$b" $CT_NONE "$f"
    done
    for f in "$FIX"/hikvision-acs/*.json "$FIX"/frigate-mqtt/*.json "$FIX"/generic-webhooks/*.json; do
        b=$(basename "$f")
        prefixed "$d/seed-json-$b" $CT_JSON "$f"
        prefixed "$d/seed-none-$b" $CT_NONE "$f"
    done
    prefixed "$d/seed-form-httphost_push" $CT_FORM "$FIX/hikvision-isapi-alert/httphost_push_linedetection_multipart.bin"
    prefixed "$d/seed-none-httphost_push" $CT_NONE "$FIX/hikvision-isapi-alert/httphost_push_linedetection_multipart.bin"
    prefixed "$d/seed-mixed-alertstream" $CT_MIXED "$FIX/hikvision-isapi-alert/alertstream_nvr_heartbeat_then_vmd.txt"
    prefixed "$d/seed-none-alertstream" $CT_NONE "$FIX/hikvision-isapi-alert/alertstream_nvr_heartbeat_then_vmd.txt"
    for f in "$FIX"/dahua-eventmanager/*.txt; do
        prefixed "$d/seed-mixed-$(basename "$f")" $CT_MIXED "$f"
    done
}

seed_generic_json() {
    local d=$CORPUS/generic_json f
    mkdir -p "$d"
    for f in "$FIX"/generic-json/*.json "$FIX"/generic-webhooks/*.json "$FIX"/hikvision-acs/*.json "$FIX"/frigate-mqtt/*.json; do
        cp "$f" "$d/seed-$(basename "$f")"
    done
}

# multipart input: byte N = boundary length, N bytes of declared boundary, then the body; N = 0:
# no declared boundary (sniffed).
seed_multipart() {
    local d=$CORPUS/multipart f b
    mkdir -p "$d"
    for f in "$FIX/hikvision-isapi-alert/httphost_push_linedetection_multipart.bin" \
        "$FIX/hikvision-isapi-alert/alertstream_nvr_heartbeat_then_vmd.txt" \
        "$FIX"/dahua-eventmanager/*.txt; do
        case "$f" in */dahua-eventmanager/*) b=myboundary ;; *) b=boundary ;; esac
        { printf "\\$(printf '%03o' ${#b})%s" "$b"; cat "$f"; } >"$d/seed-declared-$(basename "$f")"
        prefixed "$d/seed-sniffed-$(basename "$f")" 0 "$f"
    done
}

# One seed per distinct device time value found in the fixtures.
seed_device_time() {
    local d=$CORPUS/device_time v
    mkdir -p "$d"
    {
        grep -v '^#' "$FIX/hikvision-isapi-alert/quirk_datetime_values_seen.txt"
        grep -rahoE '<(dateTime|AlarmTime)>[^<]*<' "$FIX" | sed -E 's/^<[^>]*>//; s/<$//'
        grep -rahoE '"(dateTime|time|LocaleTime|UTC|timestamp|created_at|start_time|end_time|frame_time|snapshot_time)"[[:space:]]*:[[:space:]]*("[^"]*"|[0-9.]+)' "$FIX" |
            sed -E 's/^"[^"]*"[[:space:]]*:[[:space:]]*//; s/^"//; s/"$//'
        grep -rahoE '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}' "$FIX/zkteco-adms"
    } | sed '/^[[:space:]]*$/d' | sort -u | while IFS= read -r v; do
        printf '%s' "$v" >"$d/seed-$(printf '%s' "$v" | cksum | cut -d' ' -f1)"
    done
}

# vendors input: a selector byte (fuzz_targets/vendors.rs) then the body.
seed_vendors() {
    local d=$CORPUS/vendors f
    mkdir -p "$d"
    for f in "$FIX"/dahua-eventmanager/*; do prefixed "$d/seed-dahua-$(basename "$f")" 0 "$f"; done
    for f in "$FIX"/onvif/*; do prefixed "$d/seed-onvif-$(basename "$f")" 2 "$f"; done
    for f in "$FIX"/frigate-mqtt/*; do prefixed "$d/seed-frigate-$(basename "$f")" 3 "$f"; done
    for f in "$FIX"/gb28181/*; do prefixed "$d/seed-gb28181-$(basename "$f")" 4 "$f"; done
    prefixed "$d/seed-zk-attlog" 5 "$FIX/zkteco-adms/cdata_table-ATTLOG_body.txt"
    prefixed "$d/seed-zk-rtstate" 6 "$FIX/zkteco-adms/cdata_table-rtstate_body.txt"
}

for t in "${TARGETS[@]}"; do
    case " ${ALL_TARGETS[*]} " in *" $t "*) ;; *) echo "fuzz: unknown target $t (known: ${ALL_TARGETS[*]})" >&2; exit 2 ;; esac
    mkdir -p "$CORPUS/$t"
    if declare -F "seed_$t" >/dev/null; then "seed_$t"; fi
    if [ -d "fuzz/seeds/$t" ]; then cp -R "fuzz/seeds/$t/." "$CORPUS/$t/"; fi
done

# --- build and run ----------------------------------------------------------------------------

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "fuzz: building the targets (cargo +nightly fuzz build)"
if ! cargo +nightly fuzz build >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: build failed"
    exit 1
fi
failed=()
for t in "${TARGETS[@]}"; do
    echo "fuzz: $t for ${SECS}s ($(ls "$CORPUS/$t" | wc -l) corpus files)"
    set +e
    cargo +nightly fuzz run "$t" "$ROOT/$CORPUS/$t" -- \
        -max_total_time="$SECS" -timeout=10 -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    grep -E '^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb' "$log" | sed "s/^/fuzz: $t: /" || true
    if [ $rc -ne 0 ]; then
        why=$(grep -E -A1 'panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer|SUMMARY:' "$log" || true)
        if [ -n "$why" ]; then printf '%s\n' "$why" | head -n 20 || true; else tail -n 40 "$log"; fi
        artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | awk '{print $NF}' | tail -n 1)
        echo "fuzz: $t FAILED (exit $rc); reproducer: ${artifact:-see log above}"
        echo "fuzz:   replay with: cargo +nightly fuzz run $t ${artifact:-<artifact>}"
        failed+=("$t")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in: ${failed[*]}"
    exit 1
fi
echo "fuzz: ${#TARGETS[@]} target(s), ${SECS}s each, no crash"
