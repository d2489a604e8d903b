#!/usr/bin/env bash
# Runs the peers (Zonemaster CLI and DNSViz, Debian packages) against one zone of the running lab and saves their
# JSON under bench/peers/results/<zone>/ (or <out-folder>). Usage: bench/peers/run-peers.sh <zone> [lab-folder] [out-folder]
# Fails (exit 1) when a peer fails or produces no JSON, so an empty result never passes for a clean bill of health.
# Loopback findings are filtered as documented in docs/lab.md: Zonemaster runs a profile without ADDRESS01-03
# (private/loopback addresses, PTR) and CONNECTIVITY03-04 (AS lookups over the Internet); DNSViz grok runs with -P
# (private addresses allowed) and the lab root's own trust anchor.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ZONE=${1:?usage: run-peers.sh <zone> [lab-folder] [out-folder]}
ZONE=${ZONE%.}
LAB=${2:-${DNSCERT_LAB_DIR:-$ROOT/.data/lab}}
OUT=${3:-$ROOT/bench/peers/results/$ZONE}
[ -f "$LAB/state.json" ] || { echo "no lab in $LAB (./dnscert lab up)" >&2; exit 1; }
HINTS="$LAB/unbound/root.hints"

. "$ROOT/bench/peers/peers-lib.sh"
ensure_packages zonemaster-cli dnsviz libnet-dns-perl
mkdir -p "$OUT"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
rm -f "$OUT/zonemaster.json" "$OUT/dnsviz-probe.json" "$OUT/dnsviz-grok.json"
fail() { echo "run-peers: $*" >&2; exit 1; }

# --- Zonemaster: lab root hints, loopback-only profile; DNSViz: lab root servers and trust anchor -------------
peers_for_lab "$HINTS" "$WORK" || fail "cannot point the peers at the lab in $LAB"
# zonemaster-cli's exit status says nothing about the zone; the JSON must parse and hold the test run's messages.
zonemaster-cli --hints "$WORK/hints" --no-ipv6 --profile "$WORK/profile.json" --json --level INFO "$ZONE" >"$OUT/zonemaster.json" 2>"$WORK/zonemaster.err" \
  || { cat "$WORK/zonemaster.err" >&2; fail "zonemaster-cli failed for $ZONE"; }
python3 - "$OUT/zonemaster.json" <<'PY' || fail "zonemaster-cli produced no usable JSON for $ZONE (see $OUT/zonemaster.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and any(m.get("module") not in (None, "SYSTEM") for m in d), "no test-case messages"
print("zonemaster: %s (%d messages, %d ERROR/CRITICAL)" % (sys.argv[1], len(d), sum(1 for m in d if m["level"] in ("ERROR", "CRITICAL"))))
PY

# --- DNSViz: explicit lab root servers, lab trust anchor -------------------------------------------------------
PYTHONPATH="$WORK/py" dnsviz probe -4 -A -x ".:$ROOTS" -o "$OUT/dnsviz-probe.json" "$ZONE." || fail "dnsviz probe failed for $ZONE"
[ -s "$OUT/dnsviz-probe.json" ] || fail "dnsviz probe wrote nothing for $ZONE"
# No -l: grok then writes every name it analysed (with -l warning a healthy zone gives an empty file).
PYTHONPATH="$WORK/py" dnsviz grok -P -t "$WORK/anchor" -r "$OUT/dnsviz-probe.json" -o "$OUT/dnsviz-grok.json" || fail "dnsviz grok failed for $ZONE"
python3 - "$OUT/dnsviz-grok.json" "$ZONE." <<'PY' || fail "dnsviz grok produced no usable JSON for $ZONE (see $OUT/dnsviz-grok.json)"
import json, re, sys
text = open(sys.argv[1]).read()
d = json.loads(text)
assert sys.argv[2] in d, "the zone is missing from grok's output"
codes = sorted(set(re.findall(r'"code": "([A-Z0-9_]+)"', text)))
print("dnsviz: %s (delegation %s; codes: %s)" % (sys.argv[1], d[sys.argv[2]].get("delegation", {}).get("status"), " ".join(codes) or "none"))
PY
