#!/usr/bin/env bash
# A sweep of the large lab by three agents: `lab up --size large` (on its own base, default 127.49; kept between runs),
# a throw-away PostgreSQL, the server with its monitoring runtime (no local agent, quorum 3, checks from the lab's
# root), N watched zones (default the 1,500 tldNNNN zones) and three `dnscert agent` processes bound to different
# loopback source addresses (three vantage points). Once the check loop has given every zone its probe targets and
# a warm-up cycle passed, it measures MINUTES minutes: zones swept per minute (per vantage point: distinct zone×cycle
# with results; all three: zone×cycle reported by every vantage point), probes per second, and CPU per probe from
# /proc/<pid>/stat (utime+stime) of the agents, the server and PostgreSQL. Load average before and after is printed.
# Usage: bench/peers/sweep-large.sh [lab-folder] [zones] [minutes]    (INTERVAL=60 seconds per zone)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=${1:-/tmp/dnscert-sweep-lab}
N=${2:-1500}
MINUTES=${3:-4}
BASE=${SWEEP_BASE:-127.49}
INTERVAL=${INTERVAL:-60}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
for p in DnsCert.Cli DnsCert.Web; do
  [ -f "$ROOT/artifacts/bin/$p/debug/$p.dll" ] || dotnet build "$ROOT/src/$p" -v q >/dev/null
done
WORK=$(mktemp -d /tmp/dnscert-sweep.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/cli" "$WORK/web"
cp -r "$ROOT/artifacts/bin/DnsCert.Cli/debug/." "$WORK/cli/"
cp -r "$ROOT/artifacts/bin/DnsCert.Web/debug/." "$WORK/web/"
CLI=(dotnet "$WORK/cli/DnsCert.Cli.dll")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$WORK/pg/postmaster.pid" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cpu_ticks() { # pid... -> utime+stime of those processes (clock ticks)
  local total=0 pid f
  for pid in "$@"; do
    f=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    f=${f##*) }   # fields after the command name; utime and stime are fields 14 and 15 of the whole line
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# 1. The large lab (kept: a second run skips the 3.5+ minutes of `lab up`).
STATUS=$("${CLI[@]}" lab --dir "$LAB" status 2>/dev/null || true)
if ! grep -q "large" <<<"$STATUS" || grep -q stopped <<<"$STATUS"; then
  echo "lab up --size large on $BASE in $LAB (minutes)" >&2
  "${CLI[@]}" lab --dir "$LAB" up --size large --base "$BASE" >&2
fi

# 2. PostgreSQL, throw-away, trust on loopback only.
PGPORT=$(free_port)
mkdir -p "$WORK/pg"; chown postgres "$WORK/pg"; chmod 700 "$WORK/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/log" -w -o "-p $PGPORT -k '' -c listen_addresses=127.0.0.1" start >/dev/null
psql() { command psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }
psql -d postgres -c "CREATE DATABASE dnscert"
export DNSCERT_DATABASE="Host=127.0.0.1;Port=$PGPORT;Database=dnscert;Username=postgres"
"${CLI[@]}" db migrate >/dev/null

# 3. An administrator owning an agent token (the console's token page does the same; SHA-256 of the token is stored).
read -r PREFIX TOKEN < <(python3 -c "
import base64, secrets, string
p = ''.join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(10))
print(p, 'dnsc_' + p + '_' + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip('='))")
psql -d dnscert <<SQL
INSERT INTO users (id, user_name, display_name, roles, must_change_password, created_at)
VALUES ('00000000-0000-7000-8000-0000000000a9', 'sweep-agents', 'Sweep agents', '{administrator}', false, now());
INSERT INTO api_tokens (id, owner_id, name, prefix, secret_hash, scopes, created_at, expires_at)
VALUES (gen_random_uuid(), '00000000-0000-7000-8000-0000000000a9', 'sweep', '$PREFIX', sha256(convert_to('$TOKEN', 'UTF8')), '{agent}', now(), now() + interval '1 day');
SQL

# 4. The watched zones.
mapfile -t ZONES < <(python3 -c "
import json, re, sys
zones = json.load(open(sys.argv[1]))['zones']
pick = sorted(z for z in zones if re.fullmatch(r'tld\d+', z))
pick += sorted(z for z in zones if z.count('.') == 0 and z not in pick and z)
print('\n'.join(pick[:int(sys.argv[2])]))" "$LAB/state.json" "$N")
"${CLI[@]}" monitor watch "${ZONES[@]}" --interval "$INTERVAL" >/dev/null
echo "watching ${#ZONES[@]} zones (interval $INTERVAL s)" >&2

# 5. The server: monitoring runtime, no local agent, three vantage points make a quorum.
WEBPORT=$(free_port)
(cd "$WORK/web" && ASPNETCORE_URLS="http://127.0.0.1:$WEBPORT" ASPNETCORE_ENVIRONMENT=Production \
  Monitoring__Runtime__LocalAgent=false Monitoring__Runtime__MinimumVantagePoints=3 Monitoring__Runtime__PrivateTree=true \
  Monitoring__Runtime__HintsFile="$LAB/unbound/root.hints" Monitoring__Runtime__AnchorFile="$LAB/unbound/root.key" \
  Monitoring__Runtime__SpoolDirectory="$WORK/server-spool" Monitoring__Runtime__CheckParallelism="${CHECK_PARALLEL:-16}" \
  exec dotnet "$WORK/web/DnsCert.Web.dll" >"$WORK/server.log" 2>&1) &
SERVER=$!; PIDS+=("$SERVER")
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$WEBPORT/readyz" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$WEBPORT/readyz" >/dev/null || { tail -20 "$WORK/server.log" >&2; exit 1; }

# 6. Targets: the check loop's first full check of every zone.
t0=$(date +%s)
while :; do
  done_=$(psql -d dnscert -tAc "SELECT count(*) FROM watched_zones WHERE targets IS NOT NULL AND jsonb_array_length(targets) > 0")
  echo "  targets for $done_/${#ZONES[@]} zones after $(( $(date +%s) - t0 )) s" >&2
  [ "$done_" -ge "${#ZONES[@]}" ] && break
  [ $(( $(date +%s) - t0 )) -gt 1800 ] && { echo "targets never complete" >&2; exit 1; }
  sleep 15
done
FIRST_PASS=$(( $(date +%s) - t0 ))

# 7. Three agents on three source addresses.
i=0
for src in 127.0.0.21 127.0.0.22 127.0.0.23; do
  i=$((i + 1))
  "${CLI[@]}" agent --server "http://127.0.0.1:$WEBPORT" --token "$TOKEN" --name "vp$i" --source "$src" --spool "$WORK/agent-spool" >"$WORK/agent$i.log" 2>&1 &
  PIDS+=("$!")
done
AGENTS=("${PIDS[@]:1}")
sleep $(( INTERVAL + 15 ))   # warm-up: every agent pulled its work and probed a whole cycle

pg_pids() { local pm; pm=$(head -1 "$WORK/pg/postmaster.pid"); echo "$pm" $(pgrep -P "$pm"); }
agent_pids() { local p; for p in "${AGENTS[@]}"; do echo "$p" $(pgrep -P "$p" || true); done; }
server_pids() { echo "$SERVER" $(pgrep -P "$SERVER" || true); }
# The process lists first (pgrep is slow under load), then the clock and the counters back to back: the CPU window and
# the SQL window are the same [W0, W1).
APIDS=$(agent_pids); SPIDS=$(server_pids); PPIDS=$(pg_pids)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
W0=$(date +%s.%N); A0=$(cpu_ticks $APIDS); S0=$(cpu_ticks $SPIDS); P0=$(cpu_ticks $PPIDS)
sleep $(( MINUTES * 60 ))
W1=$(date +%s.%N); A1=$(cpu_ticks $APIDS); S1=$(cpu_ticks $SPIDS); P1=$(cpu_ticks $PPIDS)
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
sleep 30   # the last batches land (agents send every second; under load the server's ingestion lags)
HZ=$(getconf CLK_TCK)
# Probes measured in [W0, W1); sweeps counted over the whole cycles inside that window only (a cycle cut by the
# window's edges would count some vantage points' slots and not others).
read -r PROBES CYCLES PER_VP ALL3 FAILED <<<"$(psql -d dnscert -tA -F' ' -c "
  WITH w AS (SELECT to_timestamp($W0) AS t0, to_timestamp($W1) AS t1),
       c AS (SELECT ceil(extract(epoch FROM t0) / $INTERVAL) AS c0, floor(extract(epoch FROM t1) / $INTERVAL) AS c1 FROM w),
       r AS (SELECT vantage_point, zone, floor(extract(epoch FROM measured_at) / $INTERVAL) AS cycle, outcome
             FROM probe_results, w WHERE measured_at >= w.t0 AND measured_at < w.t1),
       rc AS (SELECT r.* FROM r, c WHERE cycle >= c.c0 AND cycle < c.c1),
       zc AS (SELECT zone, cycle, count(DISTINCT vantage_point) AS vps FROM rc GROUP BY zone, cycle)
  SELECT (SELECT count(*) FROM r), (SELECT c1 - c0 FROM c),
         (SELECT count(*) FROM (SELECT DISTINCT vantage_point, zone, cycle FROM rc) x) / 3.0,
         (SELECT count(*) FROM zc WHERE vps = 3),
         (SELECT round(100.0 * count(*) FILTER (WHERE outcome <> 0) / greatest(count(*), 1), 2) FROM r)")"
echo "  per whole cycle: vantage point, cycle start (UTC), zones with results" >&2
psql -d dnscert -tA -F' ' -c "
  SELECT vantage_point, to_char(to_timestamp(floor(extract(epoch FROM measured_at) / $INTERVAL) * $INTERVAL) AT TIME ZONE 'UTC', 'HH24:MI:SS'), count(DISTINCT zone)
  FROM probe_results WHERE measured_at >= to_timestamp(ceil($W0 / $INTERVAL) * $INTERVAL) AND measured_at < to_timestamp(floor($W1 / $INTERVAL) * $INTERVAL)
  GROUP BY 1, 2 ORDER BY 2, 1" | sed 's/^/    /' >&2
python3 - "$W0" "$W1" "$PROBES" "$CYCLES" "$PER_VP" "$ALL3" "$HZ" "$A0" "$A1" "$S0" "$S1" "$P0" "$P1" "${#ZONES[@]}" "$INTERVAL" "$LOAD0" "$LOAD1" "$FIRST_PASS" "$FAILED" <<'PY'
import sys
v = sys.argv
w0, w1, probes, cycles, per_vp, all3, hz = float(v[1]), float(v[2]), int(v[3]), int(float(v[4])), float(v[5]), int(v[6]), int(v[7])
a, s, p = [(int(v[i + 1]) - int(v[i])) / hz for i in (8, 10, 12)]
zones, interval, load0, load1, first, failed = int(v[14]), int(v[15]), v[16], v[17], v[18], v[19]
per_min = 60 / interval
print(f"sweep of {zones} zones (interval {interval} s) by 3 agents, {(w1 - w0) / 60:.1f} min measured ({cycles} whole cycles); load average {load0} before, {load1} after")
print(f"  first full check of every zone (server check loop, targets): {first} s")
print(f"  zones swept per minute per vantage point: {per_vp / max(cycles, 1) * per_min:.0f}; zones per minute with all 3 vantage points: {all3 / max(cycles, 1) * per_min:.0f} (schedule: {zones * per_min:.0f}/min)")
print(f"  probes: {probes} in {w1 - w0:.0f} s = {probes / (w1 - w0):.0f}/s, {failed}% not answered")
print(f"  CPU: agents {a:.1f} s = {1e6 * a / max(probes, 1):.0f} µs/probe; server {s:.1f} s = {1e6 * s / max(probes, 1):.0f} µs/probe (ingestion and API, plus its check loop: every zone's full check each interval); PostgreSQL {p:.1f} s = {1e6 * p / max(probes, 1):.0f} µs/probe")
PY
