#!/usr/bin/env bash
# Jury bundle benchmark: one dossier holding BENCH_FILES evidence files of BENCH_FILE_MIB MiB
# each (default 8 × 128 MiB = 1 GiB), uploaded through the API, then its bundle downloaded with
# curl. Prints the download's MiB/s, the server's RSS before and its peak during the download
# (VmHWM, reset just before), and checks the zip with python's zipfile. Figures are printed,
# never asserted.
#
#   benches/jury-bundle/run.sh
#   BENCH_FILES=2 BENCH_FILE_MIB=64 benches/jury-bundle/run.sh
#   BENCH_STORAGE_URL=s3://bucket AWS_ENDPOINT_URL=… benches/jury-bundle/run.sh
#
# Builds the release binary; needs curl and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
FILES=${BENCH_FILES:-8}
MIB=${BENCH_FILE_MIB:-128}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/acquis-bundle-bench.XXXXXX")
PORT=${BENCH_PORT:-18480}
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

cargo build --release --locked -q
BIN=$PWD/target/release/acquis
export ACQUIS_DATA_DIR="$TMP/data" ACQUIS_LISTEN="127.0.0.1:$PORT" RUST_LOG=warn
export ACQUIS_MAX_UPLOAD_BYTES=$(( (MIB + 1) * 1024 * 1024 )) ACQUIS_SIGNED_URL_TTL_SECS=3600
[ -n "${BENCH_STORAGE_URL:-}" ] && export ACQUIS_STORAGE_URL="$BENCH_STORAGE_URL"
"$BIN" > "$TMP/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.5; done
API="http://127.0.0.1:$PORT/graphql"
TOKEN=$("$BIN" token --sub bench-candidate --role CANDIDATE)
gql() {
  curl -sf "$API" -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d "$1"
}
DOSSIER=$(gql '{"query":"mutation { createDossier(input: { programmeCode: \"DEIS\" }) { dossier { id } } }"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["createDossier"]["dossier"]["id"])')

# A PDF header, MiB of padding, a trailer: what the type sniffer accepts as a PDF.
python3 - "$TMP/file.pdf" "$MIB" <<'PY'
import os, sys
path, mib = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    chunk = os.urandom(1 << 20)
    for _ in range(mib):
        f.write(chunk)
    f.write(b"\n%%EOF\n")
PY
start=$(date +%s.%N)
for i in $(seq 1 "$FILES"); do
  curl -sf "$API" -H "authorization: Bearer $TOKEN" \
    -F "operations={\"query\":\"mutation(\$f: Upload!) { uploadEvidence(input: { dossierId: \\\"$DOSSIER\\\", kind: WORK_PRODUCT, title: \\\"Pièce $i\\\", competenceCodes: [\\\"DC$(( (i - 1) % 3 + 1 )).1\\\"], file: \$f }) { evidence { id } userErrors { code message } } }\",\"variables\":{\"f\":null}}" \
    -F 'map={"0":["variables.f"]}' -F "0=@$TMP/file.pdf;filename=piece-$i.pdf" > "$TMP/upload.json"
  grep -q '"userErrors":\[\]' "$TMP/upload.json" || { cat "$TMP/upload.json"; exit 1; }
done
upload_s=$(python3 -c "import time,sys; print(time.time() - float(sys.argv[1]))" "$start")
URL=$(gql "{\"query\":\"mutation { requestJuryBundle(input: { dossierId: \\\"$DOSSIER\\\" }) { url } }\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["requestJuryBundle"]["url"])')

rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
echo 5 > "/proc/$SERVER/clear_refs"   # resets VmHWM, the peak RSS
curl -sf -o "$TMP/bundle.zip" -w '%{size_download} %{time_total}\n' "$URL" > "$TMP/curl"
peak=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
read -r bytes seconds < "$TMP/curl"
python3 - "$TMP/bundle.zip" "$FILES" "$MIB" "$bytes" "$seconds" "$rss_before" "$peak" "$upload_s" <<'PY'
import hashlib, json, sys, zipfile
path, files, mib, size, secs, before, peak, upload_s = sys.argv[1:]
z = zipfile.ZipFile(path)
manifest = json.loads(z.read("manifest.json"))
ok = all(e.get("matchesRecord", True) for e in manifest["entries"])
bad = z.testzip()
mb = int(size) / (1 << 20)
print(f"evidence: {files} files × {mib} MiB uploaded in {float(upload_s):.1f} s ({int(files) * int(mib) / float(upload_s):.0f} MiB/s)")
print(f"bundle: {mb:.0f} MiB in {float(secs):.1f} s = {mb / float(secs):.0f} MiB/s; {len(z.namelist())} entries, CRCs {'ok' if bad is None else 'BAD: ' + bad}, manifest digests {'match' if ok else 'DIFFER'}")
print(f"server RSS: {int(before) / 1024:.1f} MiB before the download, peak {int(peak) / 1024:.1f} MiB during it")
PY
