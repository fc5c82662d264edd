#!/usr/bin/env bash
# Dossier list and search benchmark: the lists each role opens first and the full-text search,
# at 1,000 and at 100,000 seeded dossiers, on PostgreSQL and on SQLite.
#
#   benches/list-search/run.sh                                    # both backends, 1k then 100k
#   BENCH_BACKENDS=postgres BENCH_SIZES="1000 10000" benches/list-search/run.sh
#   BENCH_FILES=10 benches/list-search/run.sh                      # 1 M evidence rows at 100k
#
# For each backend, in a fresh database (PostgreSQL: `acquis_bench_ls_<pid>` on 127.0.0.1:5432,
# user postgres, trust; SQLite: a file in a temporary folder), and for each size in ascending
# order: `acquis seed --dossiers SIZE` (each size extends the previous one), then a release
# server, then every scenario below for BENCH_DURATION s after a BENCH_WARMUP s warm-up, with
# wrk (BENCH_CONNECTIONS connections, 2 threads). Reported per scenario: req/s, p50/p99, the
# server's CPU per request, PostgreSQL's (backends of the database) and the SQL statements per
# request from the server's own metrics. Figures are printed and written to
# benches/list-search/RESULTS.md (BENCH_RESULTS overrides), never asserted. Everything is removed
# on exit; the script stops itself after BENCH_TIMEOUT_SECS (default 3600). Needs psql (for
# PostgreSQL), curl, python3 and wrk (installed with apt-get when missing and running as root).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

BACKENDS=${BENCH_BACKENDS:-postgres sqlite}
SIZES=${BENCH_SIZES:-1000 100000}
FILES=${BENCH_FILES:-3}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
TIMEOUT_SECS=${BENCH_TIMEOUT_SECS:-3600}
PGHOST=${BENCH_PGHOST:-127.0.0.1}
PGPORT=${BENCH_PGPORT:-5432}
PGUSER=${BENCH_PGUSER:-postgres}
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
BENCH_PY="$ROOT/benches/jury-read/bench.py"
DB="acquis_bench_ls_$$"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/acquis-list-search.XXXXXX")
SERVER_PID="" WATCHDOG_PID="" DB_CREATED=""
log() { printf '== %s\n' "$*" >&2; }
die() { printf 'list-search bench: %s\n' "$*" >&2; exit 1; }
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ "$rc" != 0 ] && [ -s "$TMP/server.log" ] && tail -n 20 "$TMP/server.log" >&2
  stop_server
  if [ -n "$DB_CREATED" ]; then
    psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "list-search bench: interrupted" >&2; exit 130' INT TERM
( sleep "$TIMEOUT_SECS"; echo "list-search bench: timed out after ${TIMEOUT_SECS}s" >&2; kill -TERM $$ ) 2>/dev/null &
WATCHDOG_PID=$!

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
body() { python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' "$1" "$2"; }

command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq wrk) >"$TMP/apt.log" 2>&1 || true; }
command -v wrk >/dev/null || die "wrk is required (apt-get install -y wrk)"
log "building the release binary"
cargo build --release -q --bin acquis
cp "$ROOT/target/release/acquis" "$TMP/acquis"
BIN="$TMP/acquis"

while read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(ACQUIS_|DATABASE_URL$|RUST_LOG)' || true)
export ACQUIS_JWT_SECRET="list-search-bench-$$-$(date +%s)-0123456789abcdef"
export ACQUIS_STORAGE_URL="file://$TMP/objects" ACQUIS_DATA_DIR="$TMP/data"
mkdir -p "$TMP/objects" "$TMP/data" "$TMP/runs"

# name|subject|role|query|variables: `CURSOR` is replaced by the cursor of the middle dossier,
# `DOSSIER` by the id of a READY_FOR_JURY dossier of the jury member.
SCENARIOS=(
  'admin: first page of every dossier, with the total|seed-admin|ADMIN|query AdminList { dossiers(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status applicationDate candidate { subject } } } } }|{}'
  'admin: a page from the middle, no total|seed-admin|ADMIN|query AdminDeepPage($after: String) { dossiers(first: 20, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id status candidate { subject } } } } }|{"after": "CURSOR"}'
  'admin: READY_FOR_JURY only, with the total|seed-admin|ADMIN|query AdminReady { dossiers(first: 20, status: READY_FOR_JURY) { totalCount edges { node { id status candidate { subject } } } } }|{}'
  'advisor: assigned dossiers, with the total|seed-advisor|ADVISOR|query AdvisorList { dossiers(first: 20) { totalCount edges { node { id status candidate { subject } } } } }|{}'
  'jury: assigned dossiers, with the total|seed-jury|JURY|query JuryList { dossiers(first: 20) { totalCount edges { node { id status } } } }|{}'
  'jury: search "attestation" in one dossier|seed-jury|JURY|query JuryDossierSearch($d: ID) { searchEvidence(query: "attestation", dossierId: $d, first: 20) { totalCount edges { node { id title fileName } } } }|{"d": "DOSSIER"}'
  'jury: search "attestation" in every assigned dossier|seed-jury|JURY|query JurySearch { searchEvidence(query: "attestation", first: 20) { totalCount edges { node { id title fileName } } } }|{}'
  'admin: search a rarer word ("infirmier") everywhere|seed-admin|ADMIN|query AdminRareSearch { searchEvidence(query: "infirmier", first: 20) { totalCount edges { node { id title } } } }|{}'
  'admin: search common words ("diagnostic territorial") everywhere|seed-admin|ADMIN|query AdminSearch { searchEvidence(query: "diagnostic territorial", first: 20) { totalCount edges { node { id title } } } }|{}'
)

# The cursor of the middle dossier and a READY_FOR_JURY dossier of seed-jury, on one line.
pick() {
  local n=$1
  case $BACKEND in
    postgres) psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$DB" -qAt -F' ' -c "
      SELECT (SELECT replace(id::text, '-', '') FROM dossier ORDER BY id OFFSET $((n / 2)) LIMIT 1),
             (SELECT d.id FROM dossier d JOIN assignment a ON a.dossier_id = d.id AND a.role = 'JURY' JOIN app_user u ON u.id = a.user_id
              WHERE u.subject = 'seed-jury' AND d.status = 'READY_FOR_JURY' ORDER BY d.id LIMIT 1)" ;;
    sqlite) python3 - "$SQLITE_FILE" "$n" <<'PY2'
import sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1])
middle = db.execute("SELECT id FROM dossier ORDER BY id LIMIT 1 OFFSET ?", (int(sys.argv[2]) // 2,)).fetchone()[0]
jury = db.execute("""SELECT d.id FROM dossier d JOIN assignment a ON a.dossier_id = d.id AND a.role = 'JURY'
    JOIN app_user u ON u.id = a.user_id WHERE u.subject = 'seed-jury' AND d.status = 'READY_FOR_JURY' ORDER BY d.id LIMIT 1""").fetchone()[0]
print(middle.hex(), uuid.UUID(bytes=jury))
PY2
    ;;
  esac
}

for BACKEND in $BACKENDS; do
  case $BACKEND in
    postgres)
      pg_isready -h "$PGHOST" -p "$PGPORT" -q || die "PostgreSQL is not answering on $PGHOST:$PGPORT"
      psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
      psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qAtc "CREATE DATABASE $DB" >/dev/null
      DB_CREATED=1
      export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
      DB_ARGS=(--db "$DB")
      ;;
    sqlite)
      SQLITE_FILE="$TMP/data/bench-$$.db"
      export DATABASE_URL="sqlite://$SQLITE_FILE?mode=rwc"
      DB_ARGS=()
      ;;
    *) die "unknown backend $BACKEND (postgres or sqlite)" ;;
  esac
  rm -rf "$TMP/objects"/*
  for SIZE in $SIZES; do
    log "$BACKEND: seeding up to $SIZE dossiers"
    started=$(date +%s.%N)
    "$BIN" seed --dossiers "$SIZE" --files "$FILES" >"$TMP/seed.log" 2>&1 || { tail -n 20 "$TMP/seed.log" >&2; die "acquis seed failed"; }
    seed_secs=$(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.0f}')" "$started")
    [ "$BACKEND" = postgres ] && psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$DB" -qAtc "ANALYZE" >/dev/null
    PORT=$(free_port)
    ACQUIS_LISTEN="127.0.0.1:$PORT" "$BIN" serve >"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" && break; sleep 0.2; done
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" || die "the server did not start"
    read -r cursor jury_dossier < <(pick "$SIZE")
    i=0
    for scenario in "${SCENARIOS[@]}"; do
      IFS='|' read -r name subject role query variables <<<"$scenario"
      i=$((i + 1))
      token=$("$BIN" token --sub "$subject" --role "$role" --ttl 2h)
      variables=${variables//CURSOR/$cursor}
      body "$query" "${variables//DOSSIER/$jury_dossier}" >"$TMP/body.json"
      check=$(curl -s "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' -H "authorization: Bearer $token" -d @"$TMP/body.json")
      case $check in *'"errors"'*) die "$name failed: ${check:0:500}" ;; esac
      python3 "$BENCH_PY" wrk-script "$TMP/s.lua" "$TMP/body.json" "$token"
      wrk -t2 -c"$CONNECTIONS" --timeout 30s -d"${WARMUP}s" -s "$TMP/s.lua" "http://127.0.0.1:$PORT/graphql" >/dev/null 2>&1 || true
      out="$TMP/runs/$BACKEND-$SIZE-$i.json"
      python3 "$BENCH_PY" measure --system "$name" --rep 1 --tool wrk --server-pid "$SERVER_PID" "${DB_ARGS[@]}" \
        --metrics-url "http://127.0.0.1:$PORT/metrics" --out "$out" -- \
        wrk -t2 -c"$CONNECTIONS" --timeout 30s -d"${DURATION}s" --latency -s "$TMP/s.lua" "http://127.0.0.1:$PORT/graphql" >&2
      python3 - "$out" "$BACKEND" "$SIZE" "$seed_secs" "$check" <<'PY'
import json, sys
path, backend, size, seed_secs, check = sys.argv[1:]
run = json.load(open(path))
data = json.loads(check)["data"]
field = next(iter(data.values()))
run.update(backend=backend, dossiers=int(size), seed_secs=int(seed_secs),
           total=field.get("totalCount"), shown=len(field["edges"]))
json.dump(run, open(path, "w"))
PY
    done
    stop_server
  done
  [ "$BACKEND" = postgres ] && { psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null; DB_CREATED=""; }
done

MACHINE="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(uname -sr), 1-minute load $(cut -d' ' -f1 /proc/loadavg) at the end"
python3 - "$TMP/runs" "$RESULTS" "$MACHINE" "$DURATION" "$CONNECTIONS" "$("$BIN" --version | head -n 1)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" <<'PY'
import glob, json, os, sys, time
runs_dir, out, machine, duration, connections, version, rev = sys.argv[1:]
runs = [json.load(open(p)) for p in glob.glob(os.path.join(runs_dir, "*.json"))]
order = {}
for p in sorted(glob.glob(os.path.join(runs_dir, "*.json")), key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0])):
    r = json.load(open(p))
    order.setdefault(r["system"], len(order))
runs.sort(key=lambda r: (r["backend"], r["dossiers"], order[r["system"]]))
fmt = lambda v, f: "—" if v is None else format(v, f)
lines = [
    "# Dossier list and search: 1 k and 100 k dossiers",
    "",
    f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {machine}",
    f"- {version}, git {rev}; data from `acquis seed --dossiers N --files {os.environ.get('BENCH_FILES', '3')}`; each size extends the previous one",
    f"- load: wrk, {connections} connections, 2 threads, {duration} s per scenario after a warm-up; the command: `benches/list-search/run.sh`",
    "",
    "| backend | dossiers | scenario | total / shown | req/s | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | statements/req | errors |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for r in runs:
    pg = fmt(r["pg_cpu_ms"], ".2f") if r["backend"] == "postgres" else "—"
    total = f"{r['total'] if r['total'] is not None else '—'} / {r['shown']}"
    lines.append(
        f"| {r['backend']} | {r['dossiers']:,} | {r['system']} | {total} | {r['rps']:.0f} | {fmt(r['p50_ms'], '.2f')} | {fmt(r['p99_ms'], '.2f')} "
        f"| {fmt(r['server_cpu_ms'], '.2f')} | {pg} | {fmt(r.get('statements_per_req'), '.1f')} | {r['bad'] + r['socket_errors']} |")
seeds = sorted({(r["backend"], r["dossiers"], r["seed_secs"]) for r in runs})
lines += ["", "Seeding: " + "; ".join(f"{b} to {n:,} dossiers {s} s" for b, n, s in seeds) + "."]
text = "\n".join(lines) + "\n"
open(out, "w").write(text)
print(text)
PY
log "written to $RESULTS"
