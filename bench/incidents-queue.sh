#!/usr/bin/env bash
# The incident queue under load (issue 9; recorded, not asserted). A throw-away PostgreSQL cluster and database, the
# Release server on it, INCIDENTS incidents (default 10,000) and EVENTS timeline entries (default 100,000) seeded with
# generate_series in a few seconds (a realistic spread of states, severities, TLP labels, organisations, handlers), then
# wrk for DURATION seconds (default 30) at each concurrency (default "1 8 32") against:
#   page   GET /incidents                      as a duty officer (session cookie from the real sign-in + TOTP enrolment)
#   api    GET /api/v1/incidents               as the same duty officer (bearer token)
#   org    GET /api/v1/incidents               as a constituent of one organisation (the visibility predicate narrows)
# and prints p50/p95/p99 latency, requests/s, the server's CPU time per request (all its threads, background services
# included) and the load average, plus EXPLAIN ANALYZE of the queue query. WITHOUT_INDEX=1 drops the queue's index first. Usage: bench/incidents-queue.sh [duration] ["concurrencies"]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${1:-30}
CONCURRENCY=${2:-"1 8 32"}
INCIDENTS=${INCIDENTS:-10000}
EVENTS=${EVENTS:-100000}
. "$ROOT/bench/peers/peers-lib.sh"
ensure_packages wrk postgresql openssl curl python3

DLL="$ROOT/artifacts/bin/DnsCert.Web/release/DnsCert.Web.dll"
if [ ! -f "$DLL" ] || [ "${REBUILD:-0}" = 1 ]; then
  echo "building the server (Release)" >&2
  dotnet build "$ROOT/src/DnsCert.Web" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
fi

# As ./dnscert does: initdb refuses to run as root, so as root we act as the postgres system user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
WORK=$(mktemp -d /tmp/dnscert-bench.XXXXXX)
chmod 755 "$WORK"
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PGPORT=$(free_port)
mkdir -p "$WORK/pg"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
as_pg "$PGBIN/initdb" -D "$WORK/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off" start >/dev/null
psql() { command psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d bench "$@"; }
command psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c "CREATE DATABASE bench" >/dev/null

# The server migrates the empty database at start; TLS with a throw-away self-signed certificate, as in production.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$WORK/server.key" -out "$WORK/server.pem" 2>/dev/null
PORT=$(free_port)
URL="https://127.0.0.1:$PORT"
(
  cd "$(dirname "$DLL")"
  DNSCERT_DATABASE="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=bench;Maximum Pool Size=100" \
    ASPNETCORE_URLS="$URL" ASPNETCORE_ENVIRONMENT=Production DNSCERT_Team__PublicUrl="$URL" \
    Kestrel__Certificates__Default__Path="$WORK/server.pem" Kestrel__Certificates__Default__KeyPath="$WORK/server.key" \
    Monitoring__Runtime__Enabled=false Logging__LogLevel__Default=Warning \
    exec dotnet "$DLL" >"$WORK/server.log" 2>&1
) &
SERVER_PID=$!
for _ in $(seq 1 240); do
  [ "$(curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "$URL/readyz" || true)" = 200 ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done

# People, tokens and the seed. The passwords are PBKDF2 like PasswordHasher's (600,000 iterations); the tokens are
# dnsc_<prefix>_<secret> with their SHA-256, like ApiTokenFormat's.
read -r DUTY_PASSWORD DUTY_HASH DUTY_TOKEN DUTY_TOKEN_HASH ORG_TOKEN ORG_TOKEN_HASH < <(python3 - <<'PY'
import base64, hashlib, secrets
pw = secrets.token_urlsafe(18)
salt = secrets.token_bytes(16)
h = hashlib.pbkdf2_hmac("sha256", pw.encode(), salt, 600000, 32)
def token(prefix):
    t = f"dnsc_{prefix}_{secrets.token_urlsafe(32)}"
    return t, hashlib.sha256(t.encode()).hexdigest()
d, dh = token("benchduty0")
o, oh = token("benchorg00")
print(pw, f"pbkdf2-sha256$600000${base64.b64encode(salt).decode()}${base64.b64encode(h).decode()}", d, dh, o, oh)
PY
)
start=$(date +%s.%N)
psql -v incidents="$INCIDENTS" -v events="$EVENTS" -v duty_hash="$DUTY_HASH" -v duty_token="$DUTY_TOKEN_HASH" -v org_token="$ORG_TOKEN_HASH" <<'SQL'
-- 300 organisations across the ICANN regions; 12 handlers (users with handling roles); one constituent of org 1.
INSERT INTO organisations (id, name, created_at, kind, region)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Registry ' || g, now() - interval '3 years', 'cctld-registry',
       (ARRAY['africa', 'asia-australia-pacific', 'europe', 'latin-america-caribbean', 'north-america'])[1 + g % 5]
FROM generate_series(1, 300) g;
INSERT INTO users (id, user_name, display_name, email, roles, password_hash, must_change_password, created_at)
SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(g), 12, '0'))::uuid, 'handler' || g, 'Handler ' || g, 'handler' || g || '@cert.test',
       '{incident-handler}', 'x', false, now()
FROM generate_series(1, 12) g;
INSERT INTO users (id, user_name, display_name, email, roles, password_hash, must_change_password, created_at) VALUES
  ('00000000-0000-4000-a000-000000000001', 'bench-duty', 'Bench Duty Officer', 'duty@cert.test', '{duty-officer}', :'duty_hash', false, now());
INSERT INTO users (id, user_name, display_name, email, roles, password_hash, must_change_password, created_at, organisation_id) VALUES
  ('00000000-0000-4000-a000-000000000002', 'bench-org', 'Bench Constituent', 'noc@registry1.test', '{constituent}', 'x', false, now(),
   '00000000-0000-4000-8000-000000000001');
INSERT INTO api_tokens (id, owner_id, name, prefix, secret_hash, scopes, created_at, expires_at) VALUES
  (gen_random_uuid(), '00000000-0000-4000-a000-000000000001', 'bench', 'benchduty0', decode(:'duty_token', 'hex'), '{api:read}', now(), now() + interval '1 day'),
  (gen_random_uuid(), '00000000-0000-4000-a000-000000000002', 'bench', 'benchorg00', decode(:'org_token', 'hex'), '{api:read}', now(), now() + interval '1 day');

-- Incidents over two years: mostly closed; 25 % active; severity low 40 %, medium 35 %, high 18 %, critical 7 %;
-- TLP clear 5 %, green 20 %, amber 60 %, amber+strict 10 %, red 5 %; one or two affected organisations each.
INSERT INTO incidents (title, state, rsit_class, rsit_type, dns_technique, scope, effect, severity, pap, tlp, recipient_organisations,
                       recipient_users, created_by, source, assignee, opened_at, acknowledged_at, first_response_at, resolved_at, updated_at)
SELECT 'Zone zone' || g || '.test ' || (ARRAY['down', 'bogus signatures', 'lame delegation', 'hijacked NS', 'open resolver'])[1 + g % 5],
       s.state, 'availability', (ARRAY['outage', 'misconfiguration', 'dos'])[1 + g % 3], 'none',
       (ARRAY['domain', 'operator', 'tld', 'root'])[1 + (g % 17 = 0)::int * 2 + (g % 3 = 0)::int], 'outage', s.severity, 2, s.tlp,
       ARRAY[('00000000-0000-4000-8000-' || lpad(to_hex(1 + g % 300), 12, '0'))::uuid]
         || CASE WHEN g % 4 = 0 THEN ARRAY[('00000000-0000-4000-8000-' || lpad(to_hex(1 + (g * 7) % 300), 12, '0'))::uuid] ELSE '{}'::uuid[] END,
       '{}', ('00000000-0000-4000-9000-' || lpad(to_hex(1 + g % 12), 12, '0'))::uuid,
       (ARRAY['monitoring', 'mail', 'api', 'public-form'])[1 + g % 4],
       CASE WHEN g % 10 < 7 THEN ('00000000-0000-4000-9000-' || lpad(to_hex(1 + g % 12), 12, '0'))::uuid END,
       s.opened, s.opened + interval '20 minutes', s.opened + interval '2 hours',
       CASE WHEN s.state IN ('closed', 'rejected') THEN s.opened + interval '2 days' END, s.opened + interval '2 days'
FROM generate_series(1, :incidents) g
CROSS JOIN LATERAL (SELECT
    CASE WHEN r1 < 0.05 THEN 'new' WHEN r1 < 0.20 THEN 'open' WHEN r1 < 0.25 THEN 'resolution-proposed'
         WHEN r1 < 0.95 THEN 'closed' ELSE 'rejected' END AS state,
    CASE WHEN r2 < 0.40 THEN 0 WHEN r2 < 0.75 THEN 1 WHEN r2 < 0.93 THEN 2 ELSE 3 END AS severity,
    CASE WHEN r3 < 0.05 THEN 0 WHEN r3 < 0.25 THEN 1 WHEN r3 < 0.85 THEN 2 WHEN r3 < 0.95 THEN 3 ELSE 4 END AS tlp,
    now() - (r4 * interval '730 days') AS opened
  -- "+ g * 0" ties the draw to the row: an uncorrelated subquery would be evaluated once for all of them.
  FROM (SELECT random() + g * 0 r1, random() + g * 0 r2, random() + g * 0 r3, random() + g * 0 r4) x) s;
-- New incidents are not acknowledged yet.
UPDATE incidents SET acknowledged_at = NULL, first_response_at = NULL, assignee = NULL WHERE state = 'new';
INSERT INTO incident_affected (incident_id, organisation_id, name, role, region)
SELECT i.id, o.id, o.name, 'registry', o.region FROM incidents i JOIN organisations o ON o.id = i.recipient_organisations[1];
-- Already escalated, as a running installation would have done: the sweep finds nothing new during the runs.
INSERT INTO incident_escalations (incident_id, clock, level, at)
SELECT i.id, c, l, now() FROM incidents i, unnest(ARRAY['acknowledge', 'first-response', 'resolution']) c, generate_series(1, 2) l
WHERE i.state IN ('new', 'open', 'resolution-proposed');
-- The timeline: EVENTS entries spread over the incidents (about 10 each), 30 % internal, by handlers or the system.
INSERT INTO incident_events (incident_id, at, kind, actor_id, actor, text, internal)
SELECT i.id, i.opened_at + (g % 97) * interval '7 minutes',
       (ARRAY['comment', 'mail-out', 'mail-in', 'state-change', 'assignment', 'finding', 'request'])[1 + g % 7],
       CASE WHEN g % 3 = 0 THEN NULL ELSE ('00000000-0000-4000-9000-' || lpad(to_hex(1 + g % 12), 12, '0'))::uuid END,
       CASE WHEN g % 3 = 0 THEN 'system' ELSE 'handler' || (1 + g % 12) END,
       'Timeline entry ' || g || ': ' || repeat('checked the delegation and the signatures; ', 1 + g % 4), g % 10 < 3
FROM generate_series(1, :events) g
JOIN incidents i ON i.id = 1 + (g * 7919) % :incidents;
-- Coordination requests: one for 60 % of the incidents, at every status (the queue counts the open ones per incident).
INSERT INTO coordination_requests (id, incident_id, organisation_id, organisation_name, recipient, language, action, due, status, reason,
                                   token_hash, created_at, status_changed_at)
SELECT gen_random_uuid(), i.id, i.recipient_organisations[1], 'Registry', 'noc@registry.test', 'en', 'Please re-sign the zone',
       i.opened_at + interval '1 day', s.status, CASE WHEN s.status = 'declined' THEN 'not ours' END,
       sha256(convert_to('bench-token-' || i.id, 'UTF8')), i.opened_at + interval '1 hour', i.opened_at + interval '3 hours'
FROM incidents i
CROSS JOIN LATERAL (SELECT CASE WHEN i.state IN ('closed', 'rejected') THEN (ARRAY['done', 'declined', 'cancelled'])[1 + i.id % 3]
                                ELSE (ARRAY['notified', 'acknowledged', 'in-progress'])[1 + i.id % 3] END AS status) s
WHERE i.id % 10 < 6;
-- A few unlinked reports for the "new reports" list.
INSERT INTO reports (sender, subject, body, status, source, created_at)
SELECT 'reporter' || g || '@example.org', 'Report ' || g, 'SERVFAIL', 'new', 'public-form', now() - g * interval '1 hour'
FROM generate_series(1, 30) g;
ANALYZE;
SQL
# WITHOUT_INDEX=1 measures the queue as it was before migration *_incident_queue_index.sql.
if [ "${WITHOUT_INDEX:-0}" = 1 ]; then psql -c "DROP INDEX IF EXISTS incidents_queue_active"; echo "(without incidents_queue_active)"; fi
end=$(date +%s.%N)
echo "seeded $(psql -tAc 'SELECT count(*) FROM incidents') incidents, $(psql -tAc 'SELECT count(*) FROM incident_events') timeline events," \
  "$(psql -tAc "SELECT count(*) FROM incidents WHERE state IN ('new', 'open', 'resolution-proposed')") active, in $(python3 -c "print(f'{$end - $start:.1f}')") s"

# The duty officer signs in through the pages (password, then the TOTP enrolment staff must do) for a session cookie.
COOKIE=$(python3 - "$URL" "$DUTY_PASSWORD" <<'PY'
import base64, hashlib, hmac, http.cookiejar, re, ssl, struct, sys, time, urllib.parse, urllib.request
url, password = sys.argv[1], sys.argv[2]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ctx), urllib.request.HTTPCookieProcessor(jar))
def get(path):
    with opener.open(url + path) as r: return r.geturl(), r.read().decode()
def post(path, fields):
    with opener.open(url + path, urllib.parse.urlencode(fields).encode()) as r: return r.geturl(), r.read().decode()
def token(html): return re.search(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"', html).group(1)
_, html = get("/account/sign-in")
where, html = post("/account/sign-in", {"UserName": "bench-duty", "Password": password, "ReturnUrl": "", "__RequestVerificationToken": token(html)})
if "/account/two-factor/setup" in where:
    text = re.search(r'id="key">([^<]+)<', html).group(1).replace(" ", "").upper()
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    o = mac[-1] & 15
    code = "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)
    post("/account/two-factor/setup", {"Code": code, "__RequestVerificationToken": token(html)})
where, html = get("/incidents")
assert "/incidents" in where and 'id="queue"' in html, "sign-in failed: " + where
print("; ".join(f"{c.name}={c.value}" for c in jar))
PY
)

cat >"$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.1f %.1f %.1f %d %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
SERVER_DOTNET=$(pgrep -P "$SERVER_PID" -f DnsCert.Web.dll || echo "$SERVER_PID")
TICKS=$(getconf CLK_TCK)
printf '%-5s %4s %9s %8s %8s %8s %9s %6s %s\n' target conn requests p50_ms p95_ms p99_ms req_per_s cpu_ms load
for target in page api org; do
  case $target in
    page) path=/incidents; header="Cookie: $COOKIE" ;;
    api) path=/api/v1/incidents; header="Authorization: Bearer $DUTY_TOKEN" ;;
    org) path=/api/v1/incidents; header="Authorization: Bearer $ORG_TOKEN" ;;
  esac
  [ "$(curl -sk -o /dev/null -w '%{http_code}' -H "$header" "$URL$path")" = 200 ] || { echo "$target: $path is not 200" >&2; exit 1; }
  for c in $CONCURRENCY; do
    before=$(cpu "$SERVER_DOTNET")
    line=$(wrk -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d "${DURATION}s" --timeout 30s -H "$header" -s "$WORK/report.lua" "$URL$path" | grep '^RESULT')
    after=$(cpu "$SERVER_DOTNET")
    read -r _ n us p50 p95 p99 bad errors <<<"$line"
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    python3 -c "import sys; n,us,p50,p95,p99,bad,err,cpu,t,c,target,load=sys.argv[1:]; n=int(n); print(f'{target:<5} {c:>4} {n:>9} {p50:>8} {p95:>8} {p99:>8} {n/(int(us)/1e6):>9.1f} {(int(cpu)/int(t))*1000/max(n,1):>6.1f} {load}' + (f'  non-2xx {bad}, socket errors {err}' if int(bad) or int(err) else ''))" \
      "$n" "$us" "$p50" "$p95" "$p99" "$bad" "$errors" "$(( after - before ))" "$TICKS" "$c" "$target" "$load"
  done
done

# The queue query as the server sends it for a duty officer (active view, 200 rows) and for a constituent.
echo
echo "EXPLAIN ANALYZE, duty officer (active queue):"
psql -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT i.id, i.title, i.state, i.severity, i.tlp, i.assignee, u.display_name, i.opened_at,
         (SELECT count(*) FROM reports r WHERE r.incident_id = i.id)::int,
         (SELECT count(*) FROM coordination_requests c WHERE c.incident_id = i.id AND c.status IN ('notified', 'acknowledged', 'in-progress'))::int
  FROM incidents i LEFT JOIN users u ON u.id = i.assignee
  WHERE i.state IN ('new', 'open', 'resolution-proposed')
    AND (i.tlp <= 3 OR '00000000-0000-4000-a000-000000000001' = ANY(i.recipient_users) OR i.created_by IS NOT DISTINCT FROM '00000000-0000-4000-a000-000000000001')
  ORDER BY i.severity DESC, i.opened_at DESC, i.id DESC LIMIT 200"
echo "EXPLAIN ANALYZE, constituent of one organisation (active queue):"
psql -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT i.id FROM incidents i LEFT JOIN users u ON u.id = i.assignee
  WHERE i.state IN ('new', 'open', 'resolution-proposed')
    AND (i.tlp <= 0 OR (i.tlp <= 3 AND '00000000-0000-4000-8000-000000000001' = ANY(i.recipient_organisations))
         OR '00000000-0000-4000-a000-000000000002' = ANY(i.recipient_users) OR i.created_by IS NOT DISTINCT FROM '00000000-0000-4000-a000-000000000002')
  ORDER BY i.severity DESC, i.opened_at DESC, i.id DESC LIMIT 200"
