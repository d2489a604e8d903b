#!/usr/bin/env bash
# Full checks of N lab zones (default the first 100 second-level zones) with DnsCert, zonemaster-cli and dnsviz
# (probe + grok), side by side, once per round-trip regime (default: plain loopback, then 50 ms added on every name
# server of the lab with `lab rtt 50ms`, removed again at the end). DnsCert runs as monitoring runs it: one process,
# all zones, `check z1 … zN --parallel PARALLEL` (default 16; per-server politeness limits inside). The peers run one
# process per zone, P at a time (default 4; they send a zone's queries one after another). Prints, per regime and
# tool: zones/min, queries/zone where the tool tells (DnsCert counts its queries in the report; DNSViz's probe JSON
# lists every response, counted per server and transport; Zonemaster's --save packet cache has one entry per distinct
# query), CPU seconds of the tool's processes, and the zones with ERROR or worse (DnsCert Error/Critical findings,
# Zonemaster ERROR/CRITICAL messages, DNSViz error codes or a delegation neither SECURE nor INSECURE).
# Usage: [RTTS="0 50ms"] [PARALLEL=16] [PEER_ZONES=N] bench/peers/check-speed.sh [lab-folder] [zones] [peer-processes]
# SLOW=1 first breaks slow-server (1,500 ms on the zone's second server) on the chosen zones (the older regime).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=${1:-${DNSCERT_LAB_DIR:-$ROOT/.data/lab}}
N=${2:-100}
P=${3:-4}
RTTS=${RTTS:-0 50ms}
PEER_ZONES=${PEER_ZONES:-$N}   # the peers on the first PEER_ZONES zones only (their rate is per zone either way)
PARALLEL=${PARALLEL:-16}
[ -f "$LAB/state.json" ] || { echo "no lab in $LAB (./dnscert lab up)" >&2; exit 1; }
[ -f "$ROOT/artifacts/bin/DnsCert.Cli/debug/DnsCert.Cli.dll" ] || dotnet build "$ROOT/src/DnsCert.Cli" -v q >/dev/null
WORK=$(mktemp -d)
mkdir -p "$WORK/bin"; cp -r "$ROOT/artifacts/bin/DnsCert.Cli/debug/." "$WORK/bin/"
CLI=(dotnet "$WORK/bin/DnsCert.Cli.dll")
cleanup() {
  "${CLI[@]}" lab --dir "$LAB" rtt off >/dev/null 2>&1 || true
  if [ "${SLOW:-}" = 1 ]; then while read -r z; do "${CLI[@]}" lab --dir "$LAB" fix "$z" >/dev/null 2>&1 || true; done <"$WORK/zones"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
python3 -c "import json,sys; z=[z for z in json.load(open(sys.argv[1]))['zones'] if z.count('.')==1 and len(z)>2]; print('\n'.join(z[:int(sys.argv[2])]))" "$LAB/state.json" "$N" >"$WORK/zones"
HINTS="$LAB/unbound/root.hints"
. "$ROOT/bench/peers/peers-lib.sh"
ensure_packages zonemaster-cli dnsviz libnet-dns-perl
peers_for_lab "$HINTS" "$WORK"
export WORK LAB ROOTS
if [ "${SLOW:-}" = 1 ]; then
  while read -r z; do "${CLI[@]}" lab --dir "$LAB" break "$z" slow-server >/dev/null; done <"$WORK/zones"
fi

zonemaster_one() { zonemaster-cli --hints "$WORK/hints" --no-ipv6 --profile "$WORK/profile.json" --json --level INFO --save "$WORK/out/$1.zm-cache" "$1" >"$WORK/out/$1.zm.json" 2>/dev/null || true; }
dnsviz_one() {
  PYTHONPATH="$WORK/py" dnsviz probe -4 -A -x ".:$ROOTS" -o "$WORK/out/$1.probe.json" "$1." 2>/dev/null || true
  PYTHONPATH="$WORK/py" dnsviz grok -P -t "$WORK/anchor" -r "$WORK/out/$1.probe.json" -o "$WORK/out/$1.grok.json" 2>/dev/null || true
}
export -f zonemaster_one dnsviz_one
# cpu_run <file> <command…>: runs the command, writes "<wall seconds> <CPU seconds of it and its children>" to the file.
cpu_run() {
  local file=$1; shift
  python3 - "$file" "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{time.monotonic() - t} {r.ru_utime + r.ru_stime}\n")
PY
}

REPORT=$ROOT/bench/peers/results/check-speed.md
mkdir -p "$(dirname "$REPORT")"
echo "| regime | tool | zones/min | queries/zone | CPU s/zone | zones with ERROR+ |" >"$REPORT"
echo "|---|---|---:|---:|---:|---|" >>"$REPORT"
mapfile -t ALL <"$WORK/zones"
head -n "$PEER_ZONES" "$WORK/zones" >"$WORK/peer-zones"
for rtt in $RTTS; do
  if [ "$rtt" = 0 ]; then regime="loopback"; "${CLI[@]}" lab --dir "$LAB" rtt off >/dev/null
  else regime="+$rtt RTT"; "${CLI[@]}" lab --dir "$LAB" rtt "$rtt" >/dev/null; fi
  rm -rf "$WORK/out"; mkdir -p "$WORK/out"
  echo "== $regime (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  cpu_run "$WORK/out/dnscert.time" "${CLI[@]}" check "${ALL[@]}" --lab "$LAB" --json --parallel "$PARALLEL" >"$WORK/out/all.jsonl" 2>/dev/null
  for tool in zonemaster dnsviz; do
    cpu_run "$WORK/out/$tool.time" xargs -a "$WORK/peer-zones" -P "$P" -I{} bash -c "${tool}_one {}"
  done
  python3 - "$regime" "$WORK/out" "$WORK/peer-zones" "$PARALLEL" "$P" "$(cut -d' ' -f1 /proc/loadavg)" >>"$REPORT" <<'PY'
import json, os, re, sys
regime, out, zones, parallel, p, load = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().split(), sys.argv[4], sys.argv[5], sys.argv[6]
def timing(tool):
    wall, cpu = map(float, open(f"{out}/{tool}.time").read().split())
    return wall, cpu
def load_json(path, default):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return default
rows = []
# DnsCert: one JSON report per line.
reports = [json.loads(l) for l in open(f"{out}/all.jsonl") if l.strip()]
wall, cpu = timing("dnscert")
bad = sorted({r["zone"].rstrip(".") + ":" + f["checkId"] for r in reports for f in r["findings"] if f["severity"] in ("Error", "Critical")})
q = sum(r["queriesSent"] for r in reports) / max(1, len(reports))
rows.append((f"DnsCert, one process, --parallel {parallel}", len(reports), wall, cpu, q, bad))
# Zonemaster
qs, bad = [], set()
for z in zones:
    for m in load_json(f"{out}/{z}.zm.json", []):
        if m.get("level") in ("ERROR", "CRITICAL"):
            bad.add(f"{z}:{m['tag']}")
    try:
        qs.append(sum(len(json.loads(line.split(" ", 2)[2])) for line in open(f"{out}/{z}.zm-cache") if line.count(" ") >= 2))
    except (OSError, ValueError, IndexError):
        pass
wall, cpu = timing("zonemaster")
rows.append((f"zonemaster-cli, {p} processes", len(zones), wall, cpu, sum(qs) / len(qs) if qs and sum(qs) else None, sorted(bad)))
# DNSViz
def count(node):
    n = 0
    if isinstance(node, dict):
        if isinstance(node.get("responses"), dict):
            n += sum(len(v) if isinstance(v, dict) else 1 for v in node["responses"].values())
        n += sum(count(v) for v in node.values())
    elif isinstance(node, list):
        n += sum(count(v) for v in node)
    return n
qs, bad = [], set()
for z in zones:
    probe = load_json(f"{out}/{z}.probe.json", None)
    if probe is not None:
        qs.append(count(probe))
    try:
        text = open(f"{out}/{z}.grok.json").read()
        grok = json.loads(text)
    except (OSError, ValueError):
        bad.add(f"{z}:no-output")
        continue
    for code in re.findall(r'"errors": \[(.*?)\]', text, flags=re.S):
        for c in re.findall(r'"code": "([A-Z0-9_]+)"', code):
            bad.add(f"{z}:{c}")
    for name, node in grok.items():
        st = (node.get("delegation") or {}).get("status") if isinstance(node, dict) else None
        if st and st not in ("SECURE", "INSECURE"):
            bad.add(f"{z}:{st}")
wall, cpu = timing("dnsviz")
rows.append((f"dnsviz probe+grok, {p} processes", len(zones), wall, cpu, sum(qs) / len(qs) if qs else None, sorted(bad)))
for name, n, wall, cpu, q, bad in rows:
    zs = sorted({b.split(":")[0] for b in bad})
    detail = f"{len(zs)}" + (f" ({', '.join(bad[:6])}{' …' if len(bad) > 6 else ''})" if bad else "")
    print(f"| {regime} (load {load}) | {name} | {n * 60 / wall:.1f} | {q:.1f} | {cpu / n:.2f} | {detail} |" if q else
          f"| {regime} (load {load}) | {name} | {n * 60 / wall:.1f} | – | {cpu / n:.2f} | {detail} |")
PY
  tail -3 "$REPORT" >&2
done
cat "$REPORT"
