#!/usr/bin/env bash
# GraphQL over HTTP audit: starts the debug binary on a free port with throw-away data, runs
# audit.mjs (graphql-http's serverAudits plus our own checks) against it, and stops it.
# Needs `cargo build` first, and Node 20 with npm.
set -euo pipefail
AUDIT_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$AUDIT_DIR/../.." && pwd)"
BIN="$ROOT/target/debug/acquis"
if [ ! -x "$BIN" ]; then
  echo "audit: $BIN is missing, run cargo build first" >&2
  exit 2
fi

(cd "$AUDIT_DIR" && npm ci --silent --no-audit --no-fund)

DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/acquis-audit.XXXXXX")"
PORT="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

# Only the embedded defaults under DATA_DIR: never a database or bucket from the caller's environment.
env -u DATABASE_URL -u ACQUIS_STORAGE_URL \
  ACQUIS_DATA_DIR="$DATA_DIR" ACQUIS_LISTEN="127.0.0.1:$PORT" ACQUIS_INTROSPECTION=true \
  "$BIN" >"$DATA_DIR/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "audit: the server exited during start-up:" >&2
    cat "$DATA_DIR/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
if ! curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
  echo "audit: the server did not become healthy in 30 s:" >&2
  tail -n 50 "$DATA_DIR/server.log" >&2
  exit 1
fi

AUDIT_URL="http://127.0.0.1:$PORT/graphql" node "$AUDIT_DIR/audit.mjs"
