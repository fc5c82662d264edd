#!/usr/bin/env bash
# PostgreSQL stops and starts again under a running Acquis: /readyz reports it, requests fail
# with the typed error DATABASE_UNAVAILABLE meanwhile, and the service recovers by itself.
# Needs PG_ADMIN_URL, PG_STOP and PG_START (commands), and target/debug/acquis built.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${PG_ADMIN_URL:?}" "${PG_STOP:?}" "${PG_START:?}"
DB="acquis_fault_$$"
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=$(printf "%s" "$PG_ADMIN_URL" | sed "s#/postgres?#/$DB?#")
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  eval "$PG_START" >/dev/null 2>&1 || true
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "postgres restart: FAILED: $*"; tail -n 20 "$WORK/log" || true; exit 1; }

psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB"
export DATABASE_URL="$URL" ACQUIS_DATA_DIR="$WORK" ACQUIS_LISTEN="127.0.0.1:$PORT" ACQUIS_JWT_SECRET=fault-tests-secret-0123456789 RUST_LOG=warn
./target/debug/acquis serve >"$WORK/log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
TOKEN=$(./target/debug/acquis token --sub fault-candidate --role CANDIDATE)
gql() { curl -s "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d "$1"; }
ready() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz"; }

[ "$(ready)" = 200 ] || fail "not ready at start"
gql '{"query":"mutation { createDossier(input: {programmeCode: \"DEIS\"}) { dossier { id } } }"}' | grep '"id"' >/dev/null || fail "cannot create a dossier at start"

eval "$PG_STOP" >/dev/null
[ "$(ready)" = 503 ] || fail "/readyz does not report the database down"
curl -s "http://127.0.0.1:$PORT/readyz" | grep '"database":"unavailable"' >/dev/null || fail "/readyz does not name the database"
answer=$(gql '{"query":"{ dossiers { totalCount } }"}')
echo "$answer" | grep '"code":"DATABASE_UNAVAILABLE"' >/dev/null || fail "expected DATABASE_UNAVAILABLE while down, got: $answer"
kill -0 "$pid" || fail "the service died while the database was down"

eval "$PG_START" >/dev/null
for _ in $(seq 1 60); do [ "$(ready)" = 200 ] && break; sleep 0.5; done
[ "$(ready)" = 200 ] || fail "the service did not become ready again"
answer=$(gql '{"query":"{ dossiers { totalCount } }"}')
echo "$answer" | grep '"totalCount":1' >/dev/null || fail "the service did not recover: $answer"
echo "postgres restart: ok (down: 503 + DATABASE_UNAVAILABLE; up again: recovered)"
