#!/usr/bin/env bash
# API contract check: schemathesis (property-based testing from the OpenAPI document) against a
# throw-away `neibao serve --demo` instance (docs/API.md).
#
#   scripts/schemathesis.sh
#
# 1. Installs schemathesis (pinned below) into target/schemathesis-venv with pip when missing.
# 2. Takes the server binary from NEIBAO_BIN, or builds it (`cargo build --locked -p neibao`).
# 3. Starts `neibao serve --demo` on 127.0.0.1 (a free port) with a temporary data folder and
#    waits for /healthz; the server is stopped and the folder removed on exit.
# 4. Creates a bearer token per role it needs: `admin` for every operation an administrator may
#    use, `demo_province` for the police-only ones (the ladder, police inspections, hazards,
#    campaigns, bureau settings), following crates/neibao/tests/it/authz.rs.
# 5. Fetches /api/v1/openapi.json. Path parameters the document does not declare (a failure of
#    their own, counted and listed) are added to a copy as plain strings, only so that those
#    operations can be exercised at all; with a complete document the copy equals the original.
# 6. Runs `st run --checks all` (settings with their reasons in schemathesis.toml) once per
#    token, then checks that both tokens still work (a run that revoked its own credentials
#    would prove nothing).
#
# Exits non-zero when a check failed, an operation errored, a path parameter is undeclared, or
# the server died. Output, reports (JUnit XML, JSON) and the statuses per operation go to
# target/schemathesis/ (schemathesis.toml reads the seeded ids from there too).
#
# Environment: NEIBAO_BIN (server binary), SCHEMATHESIS_MAX_EXAMPLES (per operation and phase,
# default from schemathesis.toml), SCHEMATHESIS_SEED (default from schemathesis.toml),
# SCHEMATHESIS_KEEP=1 (keep the data folder and server log).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SCHEMATHESIS_VERSION=4.32.5
VENV=$ROOT/target/schemathesis-venv
OUT=$ROOT/target/schemathesis
START=$(date +%s)

# --- schemathesis -------------------------------------------------------------------------------

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qx "schemathesis, version $SCHEMATHESIS_VERSION"; then
    echo "schemathesis: installing $SCHEMATHESIS_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
ST=$VENV/bin/schemathesis
PY=$VENV/bin/python

# --- the server ---------------------------------------------------------------------------------

if [ -n "${NEIBAO_BIN:-}" ]; then
    BIN=$NEIBAO_BIN
else
    cargo build --locked -p neibao
    BIN=$ROOT/target/debug/neibao
fi
[ -x "$BIN" ] || { echo "schemathesis: no executable server binary at $BIN" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/neibao-schemathesis.XXXXXX")
DATA=$WORK/data
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "${SCHEMATHESIS_KEEP:-0}" = "1" ]; then
        echo "schemathesis: kept $WORK (server log: $WORK/server.log)"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
export NEIBAO_ADMIN_PASSWORD="St-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
NEIBAO_LOG=${NEIBAO_LOG:-warn} "$BIN" serve --demo --data-dir "$DATA" --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "schemathesis: the server exited" >&2; exit 2; }
    sleep 0.5
done
curl -fsS "$BASE/healthz" >/dev/null || { tail -50 "$WORK/server.log" >&2; echo "schemathesis: no /healthz after 60 s" >&2; exit 2; }
echo "schemathesis: neibao $("$BIN" --version 2>/dev/null | awk '{print $NF}') serving the demo data at $BASE"

token() { "$BIN" token create --data-dir "$DATA" --user "$1" --name "schemathesis-$2"; }
ADMIN_TOKEN=$(token admin admin)
POLICE_TOKEN=$(token demo_province police)
# A token that DELETE /api/v1/tokens/{id} may revoke without cutting the runs' credentials.
VICTIM_TOKEN=$(token demo_guard victim)

# --- the document -------------------------------------------------------------------------------

mkdir -p "$OUT"
rm -f "$OUT"/*.xml "$OUT"/*.json "$OUT"/*.ndjson "$OUT"/*.txt "$OUT"/*.tsv
curl -fsS "$BASE/api/v1/openapi.json" -o "$OUT/openapi.served.json"
# Adds undeclared path parameters (type string, required) and lists them.
"$PY" - "$OUT/openapi.served.json" "$OUT/openapi.tested.json" >"$OUT/undeclared-path-parameters.txt" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
for path, item in doc["paths"].items():
    names = re.findall(r"\{([^}]+)\}", path)
    shared = {p["name"] for p in item.get("parameters", []) if p.get("in") == "path"}
    for method, op in item.items():
        if method not in methods:
            continue
        declared = shared | {p["name"] for p in op.get("parameters", []) if p.get("in") == "path"}
        for name in names:
            if name not in declared:
                op.setdefault("parameters", []).append(
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                )
                print(f"{method.upper()} {path}: {{{name}}}")
json.dump(doc, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PY
UNDECLARED=$(wc -l <"$OUT/undeclared-path-parameters.txt")
if [ "$UNDECLARED" -gt 0 ]; then
    echo "schemathesis: FAIL: $UNDECLARED path parameters are used in paths but not declared (added as strings to test the operations):"
    sed 's/^/  /' "$OUT/undeclared-path-parameters.txt"
fi

# --- real ids -----------------------------------------------------------------------------------

# Ids of objects that exist, for the dictionaries of schemathesis.toml: a share of the generated
# requests uses them, so the operations on one object reach their success paths and their
# response schemas get checked, not only their 404s. Objects the demo data lacks (an evidence
# file, a legal hold, a suppression, a notification channel, a police inspection and hazard) are
# created first. One libFuzzer-style file per kind in target/schemathesis/ids/.
mkdir -p "$OUT/ids"
rm -f "$OUT"/ids/*.dict
"$PY" - "$BASE" "$ADMIN_TOKEN" "$POLICE_TOKEN" "$OUT/ids" <<'PY'
import datetime, json, sys, urllib.request, uuid
base, admin, police, folder = sys.argv[1:5]

def call(token, method, path, body=None, content_type="application/json"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")

def items(token, path):
    v = call(token, "GET", path)
    return v["items"] if isinstance(v, dict) else v

now = datetime.datetime.now(datetime.timezone.utc)
alerts = items(admin, "/api/v1/alerts?per_page=5")
demo_unit = alerts[0]["unit_id"]
unit = call(admin, "GET", f"/api/v1/units/{demo_unit}")
hazard = call(police, "POST", "/api/v1/hazards",
              {"unit_id": demo_unit, "title": "契约测试隐患", "class": "general", "source": "report"})
inspection = call(police, "POST", "/api/v1/inspections", {"unit_id": demo_unit})
boundary = uuid.uuid4().hex
upload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.pdf\"\r\n"
          f"Content-Type: application/pdf\r\n\r\n%PDF-1.4 contract\r\n--{boundary}--\r\n").encode()
attachment = call(police, "POST", f"/api/v1/hazards/{hazard['id']}/evidence", upload,
                  f"multipart/form-data; boundary={boundary}")
hold = call(admin, "POST", "/api/v1/legal_holds", {"case_no": "契约测试", "unit_id": demo_unit, "reason": "契约测试"})
suppression = call(admin, "POST", "/api/v1/suppressions", {
    "unit_id": demo_unit, "from": now.isoformat(), "to": (now + datetime.timedelta(days=1)).isoformat(),
    "reason": "maintenance"})
channel = call(admin, "POST", "/api/v1/notification_channels", {
    "name": "契约测试渠道", "config": {"kind": "webhook", "url": "http://127.0.0.1:9/hook",
                                  "secret": "0123456789abcdef-contract"}})
ids = {
    "unit": [demo_unit] + [u["id"] for u in items(admin, "/api/v1/units?per_page=3")],
    "device": [d["id"] for d in items(admin, f"/api/v1/devices?unit_id={demo_unit}&per_page=5")],
    "event": [e["id"] for e in items(admin, f"/api/v1/events?unit_id={demo_unit}&per_page=5")],
    "alert": [a["id"] for a in alerts],
    "hazard": [hazard["id"]] + [h["id"] for h in items(admin, "/api/v1/hazards?per_page=3")],
    "inspection": [inspection["id"]] + [i["id"] for i in items(admin, "/api/v1/inspections?per_page=3")],
    "campaign": [c["id"] for c in items(admin, "/api/v1/campaigns?per_page=3")],
    "document": [d["id"] for d in items(admin, "/api/v1/documents?per_page=3")],
    "checklist": [c["id"] for c in items(admin, "/api/v1/checklists")],
    "variant": sorted({c["variant"] for c in items(admin, "/api/v1/checklists")}),
    "attachment": [attachment["id"]],
    "person": [p["id"] for p in unit.get("responsible_persons", [])],
    "legal_hold": [hold["id"]],
    "suppression": [suppression["id"]],
    "channel": [channel["id"]],
    "rule_code": [r["code"] for r in call(admin, "GET", "/api/v1/alert_rules")["rules"]][:5],
    "unit_rule": [r["code"] for r in call(admin, "GET", "/api/v1/rules")],
    "data_class": [p["data_class"] for p in call(admin, "GET", "/api/v1/retention")["policies"]],
}
for kind, values in ids.items():
    values = [v for v in dict.fromkeys(values) if isinstance(v, str)]
    if not values:
        sys.exit(f"schemathesis: no {kind} id to seed")
    with open(f"{folder}/{kind}.dict", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(v) + "\n" for v in values)
print("schemathesis: seeded ids: " + ", ".join(f"{k} {len(v)}" for k, v in ids.items()))
# The one account the operations on /api/v1/users/{id} may change (schemathesis.toml): a guard
# of the demo unit, never the run's own accounts.
victim = call(admin, "POST", "/api/v1/users", {"username": "stvictim", "display_name": "契约测试账号",
                                               "role": "guard", "unit_id": demo_unit})
with open(f"{folder}/victim_user.txt", "w", encoding="utf-8") as f:
    f.write(victim["id"])
# The one organisation the operations on /api/v1/organisations/{id} may change, move, merge away
# or close (schemathesis.toml): a throw-away competent department under the demo unit's city
# bureau, never the shared demo tree the other checks use.
division = unit["division_code"][:4]
city = call(admin, "GET", f"/api/v1/organisations?kind=police_city&division={division}")[0]
victim_org = call(admin, "POST", "/api/v1/organisations", {
    "name": "契约测试部门", "kind": "department", "division_code": city["division_code"], "parent_id": city["id"]})
with open(f"{folder}/victim_org.txt", "w", encoding="utf-8") as f:
    f.write(victim_org["id"])
PY

# --- the runs -----------------------------------------------------------------------------------

# Operations an administrator may not use but provincial police may (authz.rs: Officers,
# Supervisors, Inspectors, Bureau; handing out and assigning campaign inspections too). Everything else runs with the administrator's token.
POLICE_OPS=(
    "POST /api/v1/campaigns"
    "POST /api/v1/campaigns/{id}/hand_out"
    "POST /api/v1/campaigns/{id}/assign"
    "PUT /api/v1/inspections/{id}/assignee"
    "POST /api/v1/inspections"
    "PUT /api/v1/inspections/{id}"
    "POST /api/v1/inspections/{id}/submit"
    "POST /api/v1/inspections/{id}/evidence"
    "POST /api/v1/hazards"
    "POST /api/v1/hazards/{id}/actions"
    "POST /api/v1/hazards/{id}/evidence"
    "PUT /api/v1/supervision/settings"
)
# Refused to every bearer token by design (authz.rs: SessionOnly): a token cannot mint tokens.
SESSION_ONLY_OPS=("POST /api/v1/tokens")

ST_ARGS=(--no-color --checks all --report junit,json,ndjson)
[ -n "${SCHEMATHESIS_MAX_EXAMPLES:-}" ] && ST_ARGS+=(--max-examples "$SCHEMATHESIS_MAX_EXAMPLES")
[ -n "${SCHEMATHESIS_SEED:-}" ] && ST_ARGS+=(--seed "$SCHEMATHESIS_SEED")

status=0
run() { # NAME TOKEN FILTER-ARGS...
    local name=$1 tok=$2
    shift 2
    echo "== schemathesis: $name =="
    local rc=0
    NEIBAO_ST_TOKEN=$tok "$ST" --config-file "$ROOT/schemathesis.toml" run "$OUT/openapi.tested.json" --url "$BASE" \
        "${ST_ARGS[@]}" \
        --report-junit-path "$OUT/$name.junit.xml" --report-json-path "$OUT/$name.json" \
        --report-ndjson-path "$OUT/$name.ndjson" "$@" \
        >"$OUT/$name.txt" 2>&1 || rc=$?
    # What failed, with the request that reproduces it (curl), then the summary: a CI log must
    # be enough to find the failing operation without the report files.
    sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$OUT/$name.txt" | sed '$d' | head -200  || true
    sed -n '/^=* SUMMARY =*$/,$p' "$OUT/$name.txt"
    [ "$rc" -eq 0 ] || status=1
    # A run that tested nothing (a configuration schemathesis refused, say) is a failure too.
    if ! [ -s "$OUT/$name.json" ]; then
        echo "schemathesis: FAIL: the $name run produced no report:"
        sed 's/^/  /' "$OUT/$name.txt" | head -20
        status=1
    fi
}

police_args=()
for op in "${POLICE_OPS[@]}"; do police_args+=(--include-name "$op"); done
admin_args=()
for op in "${POLICE_OPS[@]}" "${SESSION_ONLY_OPS[@]}"; do admin_args+=(--exclude-name "$op"); done

# The id of the throw-away token that DELETE /api/v1/tokens/{id} may revoke (schemathesis.toml).
NEIBAO_VICTIM_TOKEN_ID=$(curl -fsS -H "Authorization: Bearer $VICTIM_TOKEN" "$BASE/api/v1/tokens" |
    "$PY" -c 'import json, sys; print(next(t["id"] for t in json.load(sys.stdin) if t["name"] == "schemathesis-victim"))')
export NEIBAO_VICTIM_TOKEN_ID
# The account that the operations on /api/v1/users/{id} may change (schemathesis.toml).
NEIBAO_VICTIM_USER_ID=$(cat "$OUT/ids/victim_user.txt")
export NEIBAO_VICTIM_USER_ID
# The organisation that the operations on /api/v1/organisations/{id} may change (schemathesis.toml).
NEIBAO_VICTIM_ORG_ID=$(cat "$OUT/ids/victim_org.txt")
export NEIBAO_VICTIM_ORG_ID
# Every request is recorded (operation, mode, status) for the summary below.
export NEIBAO_ST_CALLS=$OUT/calls.tsv
export SCHEMATHESIS_HOOKS=schemathesis_hooks
export PYTHONPATH=$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}
# Hypothesis' own files (constants cache) under target/, not in the repository root.
export HYPOTHESIS_STORAGE_DIRECTORY=$OUT/hypothesis
run police "$POLICE_TOKEN" "${police_args[@]}"
run admin "$ADMIN_TOKEN" "${admin_args[@]}"

# --- sanity and summary -------------------------------------------------------------------------

for pair in "admin:$ADMIN_TOKEN" "demo_province:$POLICE_TOKEN"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${pair#*:}" "$BASE/api/v1/me")
    if [ "$code" != 200 ]; then
        echo "schemathesis: FAIL: the ${pair%%:*} token answers $code after the runs: results are not trustworthy"
        status=1
    fi
done
kill -0 "$SERVER_PID" 2>/dev/null || { echo "schemathesis: FAIL: the server died during the runs"; status=1; }
grep -E 'panicked|ERROR' "$WORK/server.log" | head -20 >"$OUT/server-errors.txt" || true
if [ -s "$OUT/server-errors.txt" ]; then
    echo "schemathesis: server log errors (first 20, in $OUT/server-errors.txt):"
    sed 's/^/  /' "$OUT/server-errors.txt"
fi

"$PY" - "$OUT" "$UNDECLARED" <<'PY'
import json, sys, pathlib
out, undeclared = pathlib.Path(sys.argv[1]), int(sys.argv[2])
total = {}
for name in ("police", "admin"):
    path = out / f"{name}.json"
    if not path.exists():
        print(f"  {name}: no report")
        continue
    report = json.loads(path.read_text())
    for f in report.get("failures", []):
        key = f"{f['code']} {f['title']}"
        total[key] = total.get(key, 0) + len(f.get("operations", []))
    errors = report.get("errors", [])
    if errors:
        total["errors (operations not fully tested)"] = total.get("errors (operations not fully tested)", 0) + (
            len(errors) if isinstance(errors, list) else int(errors)
        )
if undeclared:
    total["undeclared path parameters"] = undeclared

# Statuses each operation answered, from the hook's record (scripts/schemathesis_hooks.py).
statuses = {}
calls = out / "calls.tsv"
if calls.exists():
    for line in calls.open(encoding="utf-8"):
        label, mode, code = line.rstrip("\n").split("\t")
        seen = statuses.setdefault(label, {})
        seen[int(code)] = seen.get(int(code), 0) + 1
with (out / "statuses.txt").open("w") as f:
    for label in sorted(statuses, key=lambda l: l.split(" ", 1)[::-1]):
        counts = " ".join(f"{code}x{n}" for code, n in sorted(statuses[label].items()))
        f.write(f"{label}  {counts}\n")
never = sorted(l for l, seen in statuses.items() if not any(200 <= c < 300 for c in seen))
print(f"schemathesis: {len(statuses)} operations called, {sum(sum(s.values()) for s in statuses.values())} requests; statuses per operation in {out / 'statuses.txt'}")
if never:
    print(f"schemathesis: {len(never)} operations never answered 2xx (only their error paths were reached):")
    for label in never:
        print(f"  {label}  ({' '.join(f'{c}x{n}' for c, n in sorted(statuses[label].items()))})")
print("schemathesis: operations failing, by kind (both runs):")
for key, n in sorted(total.items()):
    print(f"  {n:4d}  {key}")
if not total:
    print("  none")
PY
[ "$UNDECLARED" -eq 0 ] || status=1
echo "schemathesis: reports in $OUT ($(($(date +%s) - START)) s)"
exit "$status"
