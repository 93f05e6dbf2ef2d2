#!/usr/bin/env bash
# Issue 21's unknown-token flood, measured with wrk on loopback (docs/BENCHMARKS.md): a server
# (demo data, SQLite in a temporary folder) on 127.0.0.1, then, 10 s each: /healthz; posts with
# made-up ingest tokens; the demo gate camera's heartbeat alone; and the same camera while the
# made-up tokens flood from the same address (the worst case: a device behind the flooder's NAT).
#
#   scripts/wrk-tokens.sh [BINARY=target/release/neibao]
#
# Needs wrk (apt-get install wrk). Bounded: loopback only, about 60 s, the server is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/neibao}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
dir="$(mktemp -d)"
NEIBAO_ADMIN_PASSWORD=wrk-admin-pass NEIBAO_LOG=warn "$bin" serve --data-dir "$dir/data" --listen 127.0.0.1:0 --demo >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
url=""
for _ in $(seq 1 600); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/log" | head -n1 || true)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$dir/log"; exit 1; }
sleep 2
show() { grep -E "Requests/sec|Latency|Non-2xx|requests in"; }
# The camera has posted before the flood begins, as a working device has.
curl -s -o /dev/null -H "Content-Type: application/json" \
  -d '{"channelID":1,"eventType":"heartBeat","eventState":"active"}' "$url/ingest/hikvision/demo-gate-camera"
echo "== $bin $url"
echo "-- /healthz, 32 connections"; wrk -t2 -c32 -d10s "$url/healthz" | show
echo "-- made-up tokens, 32 connections"; wrk -t2 -c32 -d10s -s scripts/wrk/unknown-token.lua "$url" | show
echo "-- the camera alone, 4 connections"; wrk -t1 -c4 -d10s -s scripts/wrk/heartbeat.lua "$url" | show
echo "-- the camera, 4 connections, during a flood of made-up tokens, 32 connections"
wrk -t1 -c32 -d14s -s scripts/wrk/unknown-token.lua "$url" >"$dir/flood" &
flood=$!
sleep 2
wrk -t1 -c4 -d10s -s scripts/wrk/heartbeat.lua "$url" | show
wait "$flood"
echo "   the flood:"; show <"$dir/flood"
