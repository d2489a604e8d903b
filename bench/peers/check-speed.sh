#!/usr/bin/env bash
# Full checks of N lab zones (default 100 second-level zones, in lab order) with DnsCert `check`, zonemaster-cli and
# dnsviz (probe + grok), one process per zone, P processes at a time (default 1; the peers send their queries one
# after another, DnsCert sends a zone's queries concurrently). Prints zones/min and queries/zone where the tool tells:
# DnsCert counts its queries in the report; DNSViz's probe JSON lists every query it sent (counted per server and
# transport); Zonemaster's count comes from its --save packet cache (one entry per distinct query sent). DnsCert also
# runs once in one process for all zones (`check z1 z2 … --parallel 8`), which is how a monitor runs it.
# SLOW=1 first breaks slow-server (1,500 ms on every answer of the zone's second server) on the chosen zones and
# fixes them at the end. Usage: bench/peers/check-speed.sh [lab-folder] [zones] [parallel]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=${1:-${DNSCERT_LAB_DIR:-$ROOT/.data/lab}}
N=${2:-100}
P=${3:-1}
[ -f "$LAB/state.json" ] || { echo "no lab in $LAB (./dnscert lab up)" >&2; exit 1; }
[ -f "$ROOT/artifacts/bin/DnsCert.Cli/debug/DnsCert.Cli.dll" ] || dotnet build "$ROOT/src/DnsCert.Cli" -v q >/dev/null
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
cp -r "$ROOT/artifacts/bin/DnsCert.Cli/debug/." "$WORK/bin/" 2>/dev/null || { mkdir -p "$WORK/bin"; cp -r "$ROOT/artifacts/bin/DnsCert.Cli/debug/." "$WORK/bin/"; }
python3 -c "import json,sys; z=[z for z in json.load(open(sys.argv[1]))['zones'] if z.count('.')==1 and len(z)>2]; print('\n'.join(z[:int(sys.argv[2])]))" "$LAB/state.json" "$N" >"$WORK/zones"
HINTS="$LAB/unbound/root.hints"
. "$ROOT/bench/peers/peers-lib.sh"
ensure_packages zonemaster-cli dnsviz libnet-dns-perl
peers_for_lab "$HINTS" "$WORK"
export WORK LAB ROOTS
mkdir -p "$WORK/out"
if [ "${SLOW:-}" = 1 ]; then
  while read -r z; do dotnet "$WORK/bin/DnsCert.Cli.dll" lab --dir "$LAB" break "$z" slow-server >/dev/null; done <"$WORK/zones"
  trap 'while read -r z; do dotnet "$WORK/bin/DnsCert.Cli.dll" lab --dir "$LAB" fix "$z" >/dev/null; done <"$WORK/zones"; rm -rf "$WORK"' EXIT
fi

dnscert_one() { dotnet "$WORK/bin/DnsCert.Cli.dll" check "$1" --lab "$LAB" --json >"$WORK/out/$1.dnscert.json" || true; }
zonemaster_one() { zonemaster-cli --hints "$WORK/hints" --no-ipv6 --profile "$WORK/profile.json" --json --level INFO --save "$WORK/out/$1.zm-cache" "$1" >"$WORK/out/$1.zm.json" 2>/dev/null || true; }
dnsviz_one() {
  PYTHONPATH="$WORK/py" dnsviz probe -4 -A -x ".:$ROOTS" -o "$WORK/out/$1.probe.json" "$1." 2>/dev/null || true
  PYTHONPATH="$WORK/py" dnsviz grok -P -t "$WORK/anchor" -r "$WORK/out/$1.probe.json" -o "$WORK/out/$1.grok.json" 2>/dev/null || true
}
export -f dnscert_one zonemaster_one dnsviz_one

start=$(date +%s.%N)
mapfile -t ALL <"$WORK/zones"
dotnet "$WORK/bin/DnsCert.Cli.dll" check "${ALL[@]}" --lab "$LAB" --json --parallel 8 >"$WORK/out/all.jsonl" || true
end=$(date +%s.%N)
python3 - "$start" "$end" "$WORK/out/all.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
secs = float(sys.argv[2]) - float(sys.argv[1])
q = sum(r["queriesSent"] for r in rows) / max(1, len(rows))
ms = sorted(r["elapsedMilliseconds"] for r in rows)
print(f"dnscert (one process, --parallel 8): {len(rows)} zones in {secs:.1f} s = {len(rows) * 60 / secs:.1f} zones/min, {q:.1f} queries/zone, median check {ms[len(ms) // 2]:.0f} ms")
PY

for tool in dnscert zonemaster dnsviz; do
  start=$(date +%s.%N)
  xargs -a "$WORK/zones" -P "$P" -I{} bash -c "${tool}_one {}"
  end=$(date +%s.%N)
  python3 - "$tool" "$start" "$end" "$WORK/out" "$WORK/zones" <<'PY'
import json, os, sys, glob
tool, start, end, out, zones = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], open(sys.argv[5]).read().split()
secs = end - start
queries = None
if tool == "dnscert":
    q = [json.load(open(f"{out}/{z}.dnscert.json"))["queriesSent"] for z in zones if os.path.getsize(f"{out}/{z}.dnscert.json") > 0]
    queries = sum(q) / len(q) if q else None
elif tool == "dnsviz":
    def count(node):
        n = 0
        if isinstance(node, dict):
            if "responses" in node and isinstance(node["responses"], dict):
                n += sum(len(v) if isinstance(v, dict) else 1 for v in node["responses"].values())
            for v in node.values():
                n += count(v)
        elif isinstance(node, list):
            for v in node:
                n += count(v)
        return n
    q = []
    for z in zones:
        try:
            q.append(count(json.load(open(f"{out}/{z}.probe.json"))))
        except Exception:
            pass
    queries = sum(q) / len(q) if q else None
elif tool == "zonemaster":
    q = []
    for z in zones:
        try:
            # One line per server: "name address {query-hash: packet, ...}".
            q.append(sum(len(json.loads(line.split(" ", 2)[2])) for line in open(f"{out}/{z}.zm-cache") if line.count(" ") >= 2))
        except Exception:
            pass
    queries = sum(q) / len(q) if q and sum(q) else None
print(f"{tool}: {len(zones)} zones in {secs:.1f} s = {len(zones) * 60 / secs:.1f} zones/min" + (f", {queries:.1f} queries/zone" if queries else ", queries/zone not reported"))
PY
done
