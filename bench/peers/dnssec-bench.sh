#!/usr/bin/env bash
# DNSSEC benchmarks against peers, side by side in one run (docs/benchmarks.md, "DNSSEC"):
#   a. `openssl speed` raw verify rates (RSA-2048, ECDSA P-256, Ed25519), then ours for algorithms 8, 13, 15 over the
#      real RRsets of the 2017 root zone (canonical form + hash + verify), one thread, ROUNDS alternating rounds;
#      8 and 15 also with the libcrypto binding turned off (DNSCERT_DNSSEC_NATIVE=0: the managed fallback);
#   b. whole-zone validation of the 2017 root zone: `dnscert zone verify` vs `ldns-verify-zone` (hyperfine, whole
#      processes), and our in-process split (parse once, validate several times).
# Usage: bench/peers/dnssec-bench.sh [seconds per measurement]      Results: bench/peers/results/dnssec/
#   BEFORE_CLI=<path to an older DnsCert.Cli.dll> adds that build to the whole-zone comparison (before/after).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_EACH=${1:-5}
ROUNDS=${ROUNDS:-3}
OUT="$ROOT/bench/peers/results/dnssec"
WORK=${DNSCERT_BENCH_WORK:-/tmp/dnscert-dnssec-bench}
DATA=${DNSCERT_ROOT_ZONE_DIR:-/work/shared/data/root-zone}
ANCHOR=". IN DS 19036 8 2 49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5"
. "$ROOT/bench/peers/peers-lib.sh"
ensure_packages hyperfine ldnsutils openssl
mkdir -p "$OUT" "$WORK"

echo "building (Release)"
dotnet build "$ROOT/bench/DnsCert.Dns.Benchmarks" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build "$ROOT/src/DnsCert.Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
OURS=(dotnet "$ROOT/artifacts/bin/DnsCert.Dns.Benchmarks/release/DnsCert.Dns.Benchmarks.dll")
CLI="dotnet $ROOT/artifacts/bin/DnsCert.Cli/release/DnsCert.Cli.dll"
ZONE="$WORK/root-2017-08-21-signed.zone"
[ -f "$ZONE" ] || gzip -dc "$DATA/root-2017-08-21-signed.zone.gz" >"$ZONE"
echo "$ANCHOR" >"$WORK/anchor.ds"

{
  echo "# DNSSEC benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version), $(openssl version), ldns $(ldns-verify-zone -v 2>&1 | head -1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/summary.txt"

# a. openssl speed reports verifications per CPU (user) second; ours prints per wall and per CPU second of the whole
#    process. Rounds alternate so that a change in machine load hits both sides.
for round in $(seq "$ROUNDS"); do
  echo "## round $round" | tee -a "$OUT/summary.txt"
  openssl speed -seconds "$SECONDS_EACH" rsa2048 ecdsap256 ed25519 2>/dev/null \
    | grep -E '^rsa 2048|nistp256|Ed25519' | sed 's/^/openssl /' | tee -a "$OUT/summary.txt"
  for alg in 8 13 15; do
    "${OURS[@]}" verify-rate "$ZONE" "$alg" "$SECONDS_EACH" | tee -a "$OUT/summary.txt"
  done
  # The managed path (.NET RSA, BouncyCastle Ed25519) that runs where libcrypto 3 cannot be loaded, for the split.
  for alg in 8 15; do
    DNSCERT_DNSSEC_NATIVE=0 "${OURS[@]}" verify-rate "$ZONE" "$alg" "$SECONDS_EACH" | tee -a "$OUT/summary.txt"
  done
done

# b. Whole root zone.
echo "## whole root zone" | tee -a "$OUT/summary.txt"
"${OURS[@]}" verify-zone "$ZONE" 10 | tee -a "$OUT/summary.txt"
BEFORE=()
if [ -n "${BEFORE_CLI:-}" ]; then
  BEFORE=(-n "dnscert zone verify (before)" "dotnet $BEFORE_CLI zone verify $ZONE --anchor '$ANCHOR' --at 2017-08-25T00:00:00Z")
fi
hyperfine --warmup 1 --runs "${RUNS:-7}" -N --export-markdown "$OUT/root-zone.md" \
  -n "dnscert zone verify" "$CLI zone verify $ZONE --anchor '$ANCHOR' --at 2017-08-25T00:00:00Z" "${BEFORE[@]}" \
  -n "ldns-verify-zone" "ldns-verify-zone -k $WORK/anchor.ds -t 20170825000000 $ZONE" \
  -n "dnscert --help" "$CLI --help" | tee -a "$OUT/summary.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
