#!/usr/bin/env bash
# DNS library benchmarks against peers, side by side in one run (docs/benchmarks.md, "DNS library"):
#   a. zone-file parsing of a generated 1,000,000-record zone: DnsCert (Release, one process per run) vs
#      ldns-read-zone and named-checkzone on the same file, timed by hyperfine (apt) or /usr/bin/time;
#   b. decode + re-encode of the lab corpus (tests/DnsCert.Dns.Tests/Corpus) vs Go's miekg/dns (Debian packages);
#   c. with --bdn, also BenchmarkDotNet CorpusBenchmarks (allocation per decoded message; takes ~2 minutes).
# Usage: bench/peers/dns-library-bench.sh [--bdn] [records]      Results: bench/peers/results/dns-library/
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BDN=0
if [ "${1:-}" = "--bdn" ]; then BDN=1; shift; fi
RECORDS=${1:-1000000}
OUT="$ROOT/bench/peers/results/dns-library"
WORK=${DNSCERT_BENCH_WORK:-/tmp/dnscert-dns-bench}
CORPUS="$ROOT/tests/DnsCert.Dns.Tests/Corpus/Data/lab-responses.bin.gz"
ROUNDS=${ROUNDS:-20}
mkdir -p "$OUT" "$WORK"

missing=()
for p in golang-go golang-github-miekg-dns-dev hyperfine ldnsutils bind9-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  # hyperfine is optional: without it the timings fall back to /usr/bin/time.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || true
fi

echo "building (Release)"
dotnet build "$ROOT/bench/DnsCert.Dns.Benchmarks" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
OURS=(dotnet "$ROOT/artifacts/bin/DnsCert.Dns.Benchmarks/release/DnsCert.Dns.Benchmarks.dll")
cp "$ROOT/bench/peers/miekg/main.go" "$WORK/main.go"
(cd "$WORK" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$WORK/gocache" go build -o "$WORK/miekg-corpus" main.go)

ZONE="$WORK/bench-$RECORDS.zone"
[ -f "$ZONE" ] || { echo "generating $ZONE"; python3 "$ROOT/bench/peers/generate-zone.py" "$RECORDS" "$ZONE"; }
{
  echo "# DNS library benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version), $(go version | cut -d' ' -f3)"
  echo "versions: $(ldns-read-zone -v 2>&1 | head -1), $(named-checkzone -v 2>&1 | head -1), miekg/dns $(dpkg-query -W -f='${Version}' golang-github-miekg-dns-dev)"
  echo "zone: $ZONE, $(wc -l <"$ZONE") lines, $(du -m "$ZONE" | cut -f1) MB; records by our parser: $("${OURS[@]}" parse-file "$ZONE")"
} | tee "$OUT/summary.txt"

# a. Parsing. ldns-read-zone prints the zone; -E SOA prints only the SOA so that printing does not count.
#    named-checkzone with its integrity checks off (-i none, names not checked), so that it parses and loads only.
PARSE_OURS="${OURS[*]} parse-file $ZONE"
PARSE_LDNS="ldns-read-zone -E SOA $ZONE"
PARSE_NAMED="named-checkzone -q -i none -k ignore -n ignore -m ignore -M ignore -S ignore -T ignore -W ignore bench $ZONE"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$OUT/parse.md" \
    -n dnscert "$PARSE_OURS" -n ldns-read-zone "$PARSE_LDNS >/dev/null" -n named-checkzone "$PARSE_NAMED" | tee -a "$OUT/summary.txt"
else
  for c in "$PARSE_OURS" "$PARSE_LDNS >/dev/null" "$PARSE_NAMED"; do
    /usr/bin/time -f "%e s %M KB  $c" bash -c "$c" 2>&1 >/dev/null | tail -1 | tee -a "$OUT/summary.txt"
  done
fi

# b. Decode + re-encode over the corpus, ROUNDS rounds after five warm-up rounds, three runs each, alternating.
for run in 1 2 3; do
  "${OURS[@]}" corpus "$CORPUS" "$ROUNDS" | tee -a "$OUT/summary.txt"
  "$WORK/miekg-corpus" "$CORPUS" "$ROUNDS" | tee -a "$OUT/summary.txt"
done

# c. Allocations per decoded message.
if [ "$BDN" = 1 ]; then
  (cd "$OUT" && "${OURS[@]}" --filter '*CorpusBenchmarks*' --job short --artifacts "$OUT/bdn") | tail -20 | tee -a "$OUT/summary.txt"
fi
