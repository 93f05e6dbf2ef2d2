#!/usr/bin/env bash
# The project's test command (README, .ci/run).
#
# 1. Installs what the browser test needs when it can (Debian's chromium + chromedriver, as root).
#    With NEIBAO_REQUIRE_BROWSER=1 a missing browser fails the run instead of skipping the test.
# 2. Runs every test of the workspace on the embedded SQLite backend. The store contract suite
#    also runs on PostgreSQL when NEIBAO_TEST_POSTGRES_URL is set (a database the user may
#    create databases from, e.g. postgres://postgres@127.0.0.1:5432/postgres).
#    The two-node test (PostgreSQL + NATS JetStream, one node killed mid-stream) runs when
#    NEIBAO_TEST_NATS_URL is set too (e.g. nats://127.0.0.1:4222, JetStream enabled).
#    The MQTT tests (transport crate and the server's subscriber) run against a broker at
#    NEIBAO_TEST_MQTT (e.g. mqtt://127.0.0.1:1883).
# 3. With NEIBAO_TEST_POSTGRES_URL set, runs the whole HTTP integration suite again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ] || [ "${NEIBAO_REQUIRE_BROWSER:-0}" = "1" ]; then
  bash scripts/install-browser.sh
elif ! [ -x /usr/bin/chromedriver ]; then
  echo "note: chromium/chromedriver not installed and not root: the browser test will be skipped" >&2
  echo "      (sudo scripts/install-browser.sh installs them)" >&2
fi
if [ -z "${NEIBAO_TEST_POSTGRES_URL:-}" ]; then
  echo "note: NEIBAO_TEST_POSTGRES_URL is not set: PostgreSQL tests are skipped" >&2
fi
if [ -z "${NEIBAO_TEST_NATS_URL:-}" ]; then
  echo "note: NEIBAO_TEST_NATS_URL is not set: the multi-node test is skipped" >&2
fi
if [ -z "${NEIBAO_TEST_MQTT:-}" ]; then
  echo "note: NEIBAO_TEST_MQTT is not set: the MQTT tests are skipped" >&2
fi
cargo test --workspace --locked "$@"
if [ -n "${NEIBAO_TEST_POSTGRES_URL:-}" ]; then
  echo "== the integration suite again, on PostgreSQL =="
  NEIBAO_TEST_BACKEND=postgres cargo test --locked -p neibao --test it "$@"
  # Test databases drop in the background (a DROP DATABASE waits for a checkpoint); those still
  # queued when a test process ended are dropped here: names carry the process id, and only
  # those of processes that are gone are touched (tests/it/common.rs, template.rs).
  if command -v psql >/dev/null 2>&1; then
    psql "$NEIBAO_TEST_POSTGRES_URL" -tAc "select datname from pg_database where datname ~ '^neibao_t_(tpl_|p)[0-9]+_'" |
      while read -r db; do
        pid=$(printf '%s' "$db" | sed -E 's/^neibao_t_(tpl_|p)([0-9]+)_.*/\2/')
        [ -d "/proc/$pid" ] || printf '%s\n' "$db"
      done |
      xargs -r -P 8 -I{} psql "$NEIBAO_TEST_POSTGRES_URL" -qc "drop database if exists {} with (force)"
  fi
fi
