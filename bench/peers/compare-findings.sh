#!/usr/bin/env bash
# Findings matrix: for every fault of the lab catalogue, break a fitting second-level zone, run DnsCert `check`,
# zonemaster-cli and dnsviz (through run-peers.sh) on the healthy and on the broken zone, and keep what each tool
# reports on the broken zone that it did not report on the healthy one (NOTICE and above for DnsCert and Zonemaster;
# DNSViz error and warning codes and a delegation status other than SECURE/INSECURE). Writes bench/peers/results/findings-matrix.md and the matrix section of
# docs/benchmarks.md. Usage: bench/peers/compare-findings.sh [lab-folder] [fault ...]
# TABLE_ONLY=1 rebuilds the matrix from the results of an earlier run without querying anything.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=${1:-${DNSCERT_LAB_DIR:-$ROOT/.data/lab}}
shift || true
[ -f "$LAB/state.json" ] || { echo "no lab in $LAB (./dnscert lab up)" >&2; exit 1; }
[ -f "$ROOT/artifacts/bin/DnsCert.Cli/debug/DnsCert.Cli.dll" ] || dotnet build "$ROOT/src/DnsCert.Cli" -v q >/dev/null
# A private copy of the built CLI, so that a rebuild during the run cannot swap assemblies under it.
BIN=$(mktemp -d); trap 'rm -rf "$BIN"' EXIT
cp -r "$ROOT/artifacts/bin/DnsCert.Cli/debug/." "$BIN/"
CLI=(dotnet "$BIN/DnsCert.Cli.dll")
OUT=$ROOT/bench/peers/results/findings
mkdir -p "$OUT"
FAULTS=("$@")
if [ ${#FAULTS[@]} -eq 0 ]; then
  mapfile -t FAULTS < <(grep -oP 'public const string \w+ = "\K[a-z0-9-]+(?=")' "$ROOT/src/DnsCert.Lab/Faults/FaultCatalogue.cs")
fi
mapfile -t ZONES < <(python3 -c "import json,sys; print('\n'.join(z for z in json.load(open(sys.argv[1]))['zones'] if z.count('.')==1 and len(z)>2))" "$LAB/state.json")

codes() { # tool-dir -> one code per line (the tool's findings at WARNING and above)
  python3 - "$1" <<'PY'
import json, re, sys, os
d = sys.argv[1]
out = set()
def load(name, default):
    # A peer that crashed leaves no or a partial file: its column stays empty (the peers.log says why).
    try:
        text = open(os.path.join(d, name)).read()
        json.loads(text)
        return text
    except (OSError, ValueError):
        return default
c = json.loads(load("dnscert.json", '{"findings": []}'))
out |= {"dnscert " + f["checkId"] for f in c["findings"] if f["severity"] in ("Notice", "Warning", "Error", "Critical")}
z = json.loads(load("zonemaster.json", "[]"))
out |= {"zonemaster " + m["tag"] for m in z if m.get("level") in ("NOTICE", "WARNING", "ERROR", "CRITICAL")}
text = load("dnsviz-grok.json", "{}")
out |= {"dnsviz " + c for c in re.findall(r'"code": "([A-Z0-9_]+)"', text)}
g = json.loads(text)
for name, node in g.items():
    st = (node.get("delegation") or {}).get("status")
    if st and st not in ("SECURE", "INSECURE"):
        out.add("dnsviz " + st)
print("\n".join(sorted(out)))
PY
}

run_all() { # zone dir [baseline-args...]
  local zone=$1 dir=$2; shift 2
  mkdir -p "$dir"
  local t0=$(date +%s%N)
  "${CLI[@]}" check "$zone" --lab "$LAB" --json "$@" >"$dir/dnscert.json" || true
  echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$dir/dnscert.ms"
  "$ROOT/bench/peers/run-peers.sh" "$zone" "$LAB" "$dir" >"$dir/peers.log" 2>&1 || echo "peers failed on $zone (see $dir/peers.log)" >&2
}

ROWS=()
for fault in "${FAULTS[@]}"; do
  zone=
  if [ "${TABLE_ONLY:-}" = 1 ]; then
    [ -f "$OUT/$fault/zone" ] || { echo "no earlier result for $fault" >&2; continue; }
    zone=$(cat "$OUT/$fault/zone")
  fi
  for z in "${ZONES[@]}"; do
    [ -n "$zone" ] && break
    grep -qx "$z" "$OUT/.used" 2>/dev/null && continue
    if "${CLI[@]}" lab --dir "$LAB" break "$z" "$fault" >/dev/null 2>&1; then zone=$z; echo "$z" >>"$OUT/.used"; break; fi
  done
  [ -n "$zone" ] || { echo "no zone fits $fault" >&2; continue; }
  if [ "${TABLE_ONLY:-}" != 1 ]; then
    "${CLI[@]}" lab --dir "$LAB" fix "$zone" >/dev/null
    echo "== $fault on $zone" >&2
    mkdir -p "$OUT/$fault"; echo "$zone" >"$OUT/$fault/zone"
    run_all "$zone" "$OUT/$fault/healthy" --save-baseline "$OUT/$fault/baseline.json"
    "${CLI[@]}" lab --dir "$LAB" break "$zone" "$fault" >/dev/null
    run_all "$zone" "$OUT/$fault/broken" --baseline "$OUT/$fault/baseline.json"
    "${CLI[@]}" lab --dir "$LAB" fix "$zone" >/dev/null
  fi
  codes "$OUT/$fault/healthy" >"$OUT/$fault/healthy-codes"
  codes "$OUT/$fault/broken" >"$OUT/$fault/broken-codes"
  comm -13 "$OUT/$fault/healthy-codes" "$OUT/$fault/broken-codes" >"$OUT/$fault/new-codes"
  col() { { grep "^$1 " "$OUT/$fault/new-codes" || true; } | cut -d' ' -f2 | paste -sd' ' | sed 's/ /, /g'; }
  ROWS+=("| $fault | $zone | $(col dnscert) | $(col zonemaster) | $(col dnsviz) |")
done
rm -f "$OUT/.used"

{
  echo "<!-- findings-matrix:start -->"
  echo "Findings matrix ($(date -u +%F), lab $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['base'])" "$LAB/state.json"), \`bench/peers/compare-findings.sh\`): codes a tool reports on the broken zone and not on the same zone healthy (DnsCert and Zonemaster: WARNING and above; DNSViz: error/warning codes and non-secure delegation status)."
  echo
  echo "| fault | zone | DnsCert check | zonemaster-cli 5.0.2 | dnsviz 0.9.4 |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo "<!-- findings-matrix:end -->"
} >"$ROOT/bench/peers/results/findings-matrix.md"

DOC=$ROOT/docs/benchmarks.md
if grep -q "findings-matrix:start" "$DOC"; then
  python3 - "$DOC" "$ROOT/bench/peers/results/findings-matrix.md" <<'PY'
import re, sys
doc, new = open(sys.argv[1]).read(), open(sys.argv[2]).read().strip()
open(sys.argv[1], "w").write(re.sub(r"<!-- findings-matrix:start -->.*<!-- findings-matrix:end -->", lambda m: new, doc, flags=re.S))
PY
fi
cat "$ROOT/bench/peers/results/findings-matrix.md"
