#!/usr/bin/env bash
# Issue 21, item 1, reproduced on loopback: a neibao server (demo data, SQLite in a temporary
# folder) under an open-file limit of 1 024, and one client holding more idle connections than
# that while /healthz and a device heartbeat are asked on fresh connections every 250 ms
# (`neibao bench idle`). Exit status 0 only when every probe was answered.
#
#   scripts/load-idle.sh [SOCKETS=1100] [SECONDS=20] [ADDRESSES=1]
#
# ADDRESSES > 1 spreads the idle sockets over 127.0.0.1, 127.0.0.2, … (many clients: the overall
# cap rather than the per-address one).
#
# Environment: NOFILE (the server's soft and hard open-file limit, default 1024; NOFILE_HARD
# sets a higher hard limit, which the server then raises its soft limit to), NEIBAO_BIN (the
# binary, default target/debug/neibao, built when missing), SERVER_BIN (the server's binary, to
# measure another build), SERVER_ARGS (more `serve` flags).
#
# Bounded: 127.0.0.1 only, at most 20 000 sockets and 300 s (`bench idle` refuses more), the
# server is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
sockets="${1:-1100}"
seconds="${2:-20}"
addresses="${3:-1}"
nofile="${NOFILE:-1024}"
nofile_hard="${NOFILE_HARD:-$nofile}"
bin="${NEIBAO_BIN:-target/debug/neibao}"
if ! [ -x "$bin" ]; then
  cargo build -p neibao --locked
fi
server_bin="${SERVER_BIN:-$bin}"

dir="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

# The server picks a free port and prints it.
(
  ulimit -Sn "$nofile"
  ulimit -Hn "$nofile_hard"
  # shellcheck disable=SC2086
  exec env NEIBAO_ADMIN_PASSWORD=load-idle-admin NEIBAO_LOG="${NEIBAO_LOG:-info,sqlx=warn}" \
    "$server_bin" serve --data-dir "$dir/data" --listen 127.0.0.1:0 --demo ${SERVER_ARGS:-}
) >"$dir/server.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 600); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/server.log" | head -n1 || true)"
  [ -n "$url" ] && break
  if ! kill -0 "$server" 2>/dev/null; then cat "$dir/server.log"; echo "the server did not start" >&2; exit 1; fi
  sleep 0.1
done
[ -n "$url" ] || { cat "$dir/server.log"; echo "the server did not start within 60 s" >&2; exit 1; }

echo "server $url, open-file limit ${nofile} (hard ${nofile_hard}); ${sockets} idle sockets from ${addresses} address(es) for ${seconds} s"
status=0
RUST_LIB_BACKTRACE=0 "$bin" bench idle --url "$url" --sockets "$sockets" --seconds "$seconds" \
  --addresses "$addresses" --ingest-path /ingest/hikvision/demo-gate-camera || status=$?
echo "-- server log (limits, warnings, errors):"
grep -E 'open-file|connection limits|lowered|WARN|ERROR|Too many' "$dir/server.log" |
  sed -E -e 's/\x1b\[[0-9;]*m//g' -e 's/^[0-9T:.-]+Z +//' -e 's/ (open|shed|refused|timed_out)=[0-9]+//g' |
  sort | uniq -c | sort -rn | head -n 12 || true
exit "$status"
