#!/usr/bin/env bash
# Evidence transfer benchmark: throughput of the two upload paths and of the download, and the
# server's peak memory, at two file sizes, so that one can see memory does not grow with size.
#
#   benches/upload.sh                          # 64 MiB then 1024 MiB, SQLite + local object store
#   BENCH_SIZE_MB=256 benches/upload.sh        # 64 MiB then 256 MiB
#   BENCH_S3_ENDPOINT=moto benches/upload.sh   # against a moto S3 server started here (as .ci/run)
#   BENCH_S3_ENDPOINT=http://127.0.0.1:9000 BENCH_S3_BUCKET=bench benches/upload.sh
#
# For each size a fresh release server runs on a free loopback port with a temporary data dir;
# a candidate creates a dossier, then uploads a PDF of that size (a) with the multipart
# `uploadEvidence` mutation and (b) with `startEvidenceUpload`, a PUT to the returned URL and
# `completeEvidenceUpload`, and downloads it back through its `downloadUrl`. Each phase reports
# MiB/s and the server's peak RSS (VmHWM, reset before the phase when /proc allows it). `dd`
# writes the same size to the same disk as a reference. Figures are printed, never asserted.
# Everything (server, moto, files) is removed on exit; the script stops itself after
# BENCH_TIMEOUT_SECS (default 1800). Needs curl, python3, sha256sum and dd.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SIZE_MB=${BENCH_SIZE_MB:-1024}
SMALL_MB=${BENCH_SMALL_MB:-64}
TIMEOUT_SECS=${BENCH_TIMEOUT_SECS:-1800}
S3_ENDPOINT=${BENCH_S3_ENDPOINT:-}
S3_BUCKET=${BENCH_S3_BUCKET:-acquis-bench}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/acquis-upload-bench.XXXXXX")
SERVER_PID=""
S3_PID=""
WATCHDOG_PID=""

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  if [ -n "$S3_PID" ]; then kill "$S3_PID" 2>/dev/null || true; wait "$S3_PID" 2>/dev/null || true; fi
  if [ -n "$WATCHDOG_PID" ]; then kill "$WATCHDOG_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "upload bench: interrupted" >&2; exit 130' INT TERM
# Stop by ourselves whatever happens.
( sleep "$TIMEOUT_SECS"; echo "upload bench: timed out after ${TIMEOUT_SECS}s" >&2; kill -TERM $$ ) 2>/dev/null &
WATCHDOG_PID=$!

log() { printf '== %s\n' "$*" >&2; }
now() { date +%s.%N; }
rate() { python3 -c "import sys; mib, s = float(sys.argv[1]), float(sys.argv[2]); print(f'{mib / s:.1f}' if s > 0 else 'inf')" "$1" "$2"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Reads a dotted path out of the JSON on stdin; fails loudly with the response.
jget() {
  python3 -c '
import json, sys
raw = sys.stdin.read()
try:
    value = json.loads(raw)
    for part in sys.argv[1].split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    if value is None:
        raise KeyError(sys.argv[1])
except Exception:
    sys.exit("unexpected response (no %s): %s" % (sys.argv[1], raw[:2000]))
print(value if not isinstance(value, (dict, list)) else json.dumps(value))
' "$1"
}
kib() { awk -v k="$1" '/^(VmHWM|VmRSS):/ && $1 == k":" { print $2 }' "/proc/$SERVER_PID/status"; }
mib_of_kib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
reset_peak() { echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null && PEAK_RESET=yes || PEAK_RESET=no; }

log "building the release binary"
cargo build --release -q --bin acquis
BIN="$ROOT/target/release/acquis"

export ACQUIS_JWT_SECRET="upload-bench-$(date +%s)-secret-0123456789"
export ACQUIS_MAX_UPLOAD_BYTES=$(( (SIZE_MB > SMALL_MB ? SIZE_MB : SMALL_MB) * 1048576 + 1048576 ))
export ACQUIS_REQUEST_TIMEOUT_SECS=$TIMEOUT_SECS
export ACQUIS_SIGNED_URL_TTL_SECS=3600
export ACQUIS_GRAPHIQL=false
export RUST_LOG=warn
STORE="local filesystem"

if [ -n "$S3_ENDPOINT" ]; then
  if [ "$S3_ENDPOINT" = moto ]; then
    if [ ! -x .ci/.venv-s3/bin/moto_server ]; then
      log "installing moto into .ci/.venv-s3 (as .ci/run does)"
      python3 -m venv .ci/.venv-s3
      .ci/.venv-s3/bin/pip install -q 'moto[server]'
    fi
    S3_PORT=$(free_port)
    .ci/.venv-s3/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$TMP/s3.log" 2>&1 &
    S3_PID=$!
    S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
    for _ in $(seq 1 30); do curl -sf "$S3_ENDPOINT/" >/dev/null 2>&1 && break; sleep 1; done
    export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
  fi
  curl -sf -X PUT "$S3_ENDPOINT/$S3_BUCKET" >/dev/null || true
  export ACQUIS_STORAGE_URL="s3://$S3_BUCKET" AWS_ENDPOINT_URL="$S3_ENDPOINT" AWS_ALLOW_HTTP=true
  export AWS_REGION=${AWS_REGION:-us-east-1} AWS_VIRTUAL_HOSTED_STYLE_REQUEST=false
  export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-bench} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-bench}
  STORE="S3 at $S3_ENDPOINT (bucket $S3_BUCKET)"
fi

start_server() {
  local port
  port=$(free_port)
  export ACQUIS_LISTEN="127.0.0.1:$port" ACQUIS_DATA_DIR="$TMP/data-$1"
  URL="http://127.0.0.1:$port"
  "$BIN" serve >"$TMP/server-$1.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 60); do
    curl -sf "$URL/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  cat "$TMP/server-$1.log" >&2
  echo "upload bench: the server did not start" >&2
  exit 1
}

gql() {
  curl -sS --max-time 120 "$URL/graphql" -H 'content-type: application/json' \
    -H "authorization: Bearer $TOKEN" -d "$1"
}

RESULTS=()
record() {
  RESULTS+=("$(printf '%6s MiB  %-46s %8s MiB/s %8.2f s  peak RSS %5s MiB' "$1" "$2" "$3" "$4" "$5")")
  if [ "$5" != - ] && [ "$5" -gt "$RUN_PEAK" ]; then RUN_PEAK=$5; fi
}

run_size() {
  local mb=$1 bytes file sha dossier resp t0 t1 secs url evidence
  bytes=$((mb * 1048576))
  file="$TMP/evidence-$mb.pdf"
  log "$mb MiB: writing the test file (PDF header + random bytes)"
  { printf '%%PDF-1.7\n'; head -c $((bytes - 9)) /dev/urandom; } >"$file"
  sha=$(sha256sum "$file" | cut -d' ' -f1)

  log "$mb MiB: dd reference"
  sync
  t0=$(now); dd if=/dev/zero of="$TMP/dd.bin" bs=1M count="$mb" status=none; t1=$(now)
  secs=$(python3 -c "print($t1 - $t0)")
  DD_RESULTS+=("$(printf '%6s MiB  %-46s %8s MiB/s %8.2f s' "$mb" "dd to the page cache" "$(rate "$mb" "$secs")" "$secs")")
  rm -f "$TMP/dd.bin"
  sync
  t0=$(now); dd if=/dev/zero of="$TMP/dd.bin" bs=1M count="$mb" conv=fdatasync status=none; t1=$(now)
  secs=$(python3 -c "print($t1 - $t0)")
  DD_RESULTS+=("$(printf '%6s MiB  %-46s %8s MiB/s %8.2f s' "$mb" "dd with fdatasync" "$(rate "$mb" "$secs")" "$secs")")
  rm -f "$TMP/dd.bin"

  start_server "$mb"
  RUN_PEAK=0
  IDLE_RSS+=("$mb MiB run: $(mib_of_kib "$(kib VmRSS)") MiB at start")
  TOKEN=$(ACQUIS_DATA_DIR="$TMP/data-$mb" "$BIN" token --sub "bench-candidate-$mb" --role CANDIDATE)
  dossier=$(gql '{"query":"mutation { createDossier(input:{programmeCode:\"DEIS\"}) { dossier { id } userErrors { code message } } }"}' \
    | jget data.createDossier.dossier.id)

  # (a) multipart uploadEvidence
  log "$mb MiB: multipart uploadEvidence"
  reset_peak
  local ops
  ops='{"query":"mutation($i: UploadEvidenceInput!) { uploadEvidence(input:$i) { evidence { id size sha256 } userErrors { code message } } }","variables":{"i":{"dossierId":"'"$dossier"'","kind":"WORK_PRODUCT","title":"Benchmark multipart","file":null}}}'
  t0=$(now)
  resp=$(curl -sS --max-time "$TIMEOUT_SECS" -H 'Expect:' "$URL/graphql" -H "authorization: Bearer $TOKEN" \
    -F operations="$ops" -F map='{"0":["variables.i.file"]}' -F "0=@$file;type=application/pdf")
  t1=$(now)
  secs=$(python3 -c "print($t1 - $t0)")
  if [ "$(jget data.uploadEvidence.evidence.sha256 <<<"$resp")" != "$sha" ]; then
    echo "multipart upload: wrong checksum: $resp" >&2; exit 1
  fi
  record "$mb" "(a) multipart uploadEvidence" "$(rate "$mb" "$secs")" "$secs" "$(mib_of_kib "$(kib VmHWM)")"

  # (b) staged upload: start, PUT, complete
  if [ "$bytes" -ge 2147483648 ]; then
    log "$mb MiB: staged upload skipped: startEvidenceUpload takes the size as a GraphQL Int (< 2 GiB)"
  else
    log "$mb MiB: startEvidenceUpload + PUT + completeEvidenceUpload"
    resp=$(gql '{"query":"mutation($i: StartEvidenceUploadInput!) { startEvidenceUpload(input:$i) { evidenceId uploadUrl userErrors { code message } } }","variables":{"i":{"dossierId":"'"$dossier"'","kind":"WORK_PRODUCT","title":"Benchmark staged","fileName":"bench.pdf","size":'"$bytes"',"sha256":"'"$sha"'"}}}')
    evidence=$(jget data.startEvidenceUpload.evidenceId <<<"$resp")
    url=$(jget data.startEvidenceUpload.uploadUrl <<<"$resp")
    reset_peak
    t0=$(now)
    local code
    code=$(curl -sS --max-time "$TIMEOUT_SECS" -H 'Expect:' -o "$TMP/put.out" -w '%{http_code}' -X PUT --upload-file "$file" "$url")
    t1=$(now)
    [ "$code" = 200 ] || { echo "PUT answered $code: $(cat "$TMP/put.out")" >&2; exit 1; }
    local put_secs
    put_secs=$(python3 -c "print($t1 - $t0)")
    record "$mb" "(b) PUT to the upload URL" "$(rate "$mb" "$put_secs")" "$put_secs" "$(mib_of_kib "$(kib VmHWM)")"
    reset_peak
    t0=$(now)
    resp=$(gql '{"query":"mutation { completeEvidenceUpload(input:{evidenceId:\"'"$evidence"'\"}) { evidence { id sha256 downloadUrl } userErrors { code message } } }"}')
    t1=$(now)
    secs=$(python3 -c "print($t1 - $t0)")
    if [ "$(jget data.completeEvidenceUpload.evidence.sha256 <<<"$resp")" != "$sha" ]; then
      echo "staged upload: wrong checksum: $resp" >&2; exit 1
    fi
    url=$(jget data.completeEvidenceUpload.evidence.downloadUrl <<<"$resp")
    record "$mb" "(b) completeEvidenceUpload (re-reads, hashes)" "$(rate "$mb" "$secs")" "$secs" "$(mib_of_kib "$(kib VmHWM)")"
    record "$mb" "(b) staged upload, PUT + complete" "$(rate "$mb" "$(python3 -c "print($put_secs + $secs)")")" "$(python3 -c "print($put_secs + $secs)")" "-"

    # (c) download through downloadUrl
    log "$mb MiB: download"
    reset_peak
    t0=$(now)
    local got
    got=$(curl -sS --max-time "$TIMEOUT_SECS" -o /dev/null -w '%{http_code} %{size_download}' "$url")
    t1=$(now)
    [ "$got" = "200 $bytes" ] || { echo "download answered $got" >&2; exit 1; }
    secs=$(python3 -c "print($t1 - $t0)")
    record "$mb" "(c) download via downloadUrl" "$(rate "$mb" "$secs")" "$secs" "$(mib_of_kib "$(kib VmHWM)")"
  fi
  PEAKS+=("$mb MiB run: peak RSS over the run $RUN_PEAK MiB (peak reset before each phase: $PEAK_RESET)")
  stop_server
  rm -rf "$file" "$TMP/data-$mb"
}

DD_RESULTS=()
IDLE_RSS=()
PEAKS=()
PEAK_RESET=no
RUN_PEAK=0
sizes=("$SMALL_MB")
[ "$SIZE_MB" != "$SMALL_MB" ] && sizes+=("$SIZE_MB")
for mb in "${sizes[@]}"; do run_size "$mb"; done

echo
echo "Acquis upload benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, store: $STORE, database: SQLite"
printf '%s\n' "${RESULTS[@]}"
echo "reference:"
printf '%s\n' "${DD_RESULTS[@]}"
echo "server memory:"
printf '  %s\n' "${IDLE_RSS[@]}" "${PEAKS[@]}"
