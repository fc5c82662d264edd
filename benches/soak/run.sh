#!/usr/bin/env bash
# Soak: the mixed workload of soak.py (create, edit, upload, read, list, search) against one
# release `acquis serve` for BENCH_DURATION seconds (default 600), printing p50/p99 and the
# server's memory every BENCH_WINDOW seconds (default 30), then writing the table to
# benches/soak/RESULTS-<backend>.md.
#
#   benches/soak/run.sh                           # SQLite and the local store, in a temp folder
#   BENCH_DATABASE=postgres benches/soak/run.sh   # a fresh database on 127.0.0.1:5432, dropped after
#
# BENCH_BUILD=0 skips `cargo build --release`; BENCH_WORKERS (8) threads, 8 candidates.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
BACKEND=${BENCH_DATABASE:-sqlite}
PORT=${BENCH_PORT:-18181}
TMP=$(mktemp -d)
BIN="$ROOT/target/release/acquis"
DB_NAME="acquis_soak_$$"
cleanup() {
  [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "$BACKEND" = postgres ]; then psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
if [ "${BENCH_BUILD:-1}" = 1 ]; then cargo build --release --locked --bin acquis 2>&1 | tail -n 1; fi
export ACQUIS_DATA_DIR="$TMP/data" ACQUIS_LISTEN="127.0.0.1:$PORT" ACQUIS_JWT_SECRET="soak-secret-0123456789abcdef" RUST_LOG=warn
if [ "$BACKEND" = postgres ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB_NAME"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB_NAME?sslmode=disable"
fi
"$BIN" serve 2>"$TMP/server.log" &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
TOKENS=$(python3 -c 'import json,subprocess,sys; print(json.dumps([subprocess.check_output([sys.argv[1], "token", "--sub", f"soak-{i}", "--role", "CANDIDATE"]).decode().strip() for i in range(8)]))' "$BIN")
OUT="$HERE/RESULTS-$BACKEND.md"
{
  echo "# Soak ($BACKEND), $(date -u +%Y-%m-%d), $(nproc) cores"
  echo
  echo "benches/soak/run.sh: ${BENCH_WORKERS:-8} workers, ${BENCH_DURATION:-600} s, mixed workload (soak.py)."
  echo
} >"$OUT"
BENCH_HOST=127.0.0.1 BENCH_PORT=$PORT BENCH_PID=$SERVER BENCH_TOKENS="$TOKENS" python3 "$HERE/soak.py" | tee "$TMP/soak.out"
STATUS=${PIPESTATUS[0]}
sed -n '/^| elapsed/,$p' "$TMP/soak.out" >>"$OUT"
echo "written: $OUT"
exit "$STATUS"
