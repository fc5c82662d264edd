"""Mixed workload for the soak: candidates create dossiers, add experiences, upload small
files, read their dossier, list and search, from BENCH_WORKERS threads for BENCH_DURATION
seconds. Every BENCH_WINDOW seconds it prints the window's request count, errors, p50 and
p99, and the server's resident memory (VmRSS of BENCH_PID), then a Markdown table."""

import http.client
import json
import os
import random
import sys
import threading
import time
import uuid

HOST, PORT = os.environ["BENCH_HOST"], int(os.environ["BENCH_PORT"])
PID = os.environ["BENCH_PID"]
DURATION = float(os.environ.get("BENCH_DURATION", "600"))
WINDOW = float(os.environ.get("BENCH_WINDOW", "30"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "8"))
TOKENS = json.loads(os.environ["BENCH_TOKENS"])

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

lock = threading.Lock()
samples = []  # (finished_at, seconds, ok)
stop_at = time.monotonic() + DURATION


def rss_mib():
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def post(conn, token, body, content_type="application/json"):
    conn.request("POST", "/graphql", body=body, headers={
        "content-type": content_type, "authorization": f"Bearer {token}", "accept": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status >= 500:
        raise RuntimeError(f"HTTP {response.status}")
    answer = json.loads(data)
    if answer.get("errors"):
        raise RuntimeError(answer["errors"][0].get("message"))
    return answer["data"]


def gql(conn, token, query, variables=None):
    return post(conn, token, json.dumps({"query": query, "variables": variables or {}}))


def upload(conn, token, dossier):
    boundary = uuid.uuid4().hex
    operations = json.dumps({"query": "mutation($input: UploadEvidenceInput!) { uploadEvidence(input: $input) { evidence { id } userErrors { code } } }",
                             "variables": {"input": {"dossierId": dossier, "kind": "WORK_PRODUCT", "title": "Compte rendu d'évaluation", "file": None}}})
    parts = [
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n".encode(),
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.input.file\"]}}\r\n".encode(),
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"cr.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".encode()
        + PDF + f"\r\n--{boundary}--\r\n".encode(),
    ]
    return post(conn, token, b"".join(parts), f"multipart/form-data; boundary={boundary}")


def worker(index):
    rng = random.Random(index)
    token = TOKENS[index % len(TOKENS)]
    conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
    dossiers = []
    while time.monotonic() < stop_at:
        roll = rng.random()
        started = time.monotonic()
        ok = True
        try:
            if not dossiers or roll < 0.05:
                made = gql(conn, token, "mutation { createDossier(input: { programmeCode: \"DEIS\" }) { dossier { id } } }")
                dossiers.append(made["createDossier"]["dossier"]["id"])
            elif roll < 0.35:
                gql(conn, token, "mutation($input: AddExperienceInput!) { addExperience(input: $input) { experience { id } userErrors { code } } }",
                    {"input": {"dossierId": rng.choice(dossiers), "title": "Coordinatrice de projets", "organisation": "Association d'insertion",
                               "kind": "SALARIED", "startDate": "2016-01-01", "workingTimePercent": 80,
                               "description": "Pilotage de l'évaluation interne et animation du partenariat territorial"}})
            elif roll < 0.45:
                upload(conn, token, rng.choice(dossiers))
            elif roll < 0.75:
                gql(conn, token, "query($id: ID!) { dossier(id: $id) { status experiences(first: 20) { edges { node { title fteMonths claims { competence { code } } } } } evidence(first: 20) { edges { node { title } } } coverage { fteMonths } eligibility { admissible } exemptions { status } } }",
                    {"id": rng.choice(dossiers)})
            elif roll < 0.9:
                gql(conn, token, "{ dossiers(first: 20) { totalCount edges { node { id status } } } }")
            else:
                gql(conn, token, "query($q: String!) { searchEvidence(query: $q, first: 20) { totalCount edges { node { title } } } }", {"q": "évaluation"})
        except Exception as error:  # a broken connection counts as an error and is reopened
            ok = False
            print(f"error: {error}", file=sys.stderr)
            conn.close()
            conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
        with lock:
            samples.append((time.monotonic(), time.monotonic() - started, ok))


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(WORKERS)]
began = time.monotonic()
for t in threads:
    t.start()
rows = []
seen = 0
while any(t.is_alive() for t in threads):
    time.sleep(min(WINDOW, max(0.1, stop_at - time.monotonic() + 0.5)))
    with lock:
        window = samples[seen:]
        seen = len(samples)
    if not window:
        continue
    times = [s for _, s, _ in window]
    errors = sum(1 for _, _, ok in window if not ok)
    row = (time.monotonic() - began, len(window), errors, percentile(times, 50) * 1000, percentile(times, 99) * 1000, rss_mib())
    rows.append(row)
    print("t=%4.0fs requests=%6d errors=%d p50=%.1fms p99=%.1fms rss=%.1fMiB" % row, flush=True)

print()
print("| elapsed (s) | requests | errors | p50 (ms) | p99 (ms) | server RSS (MiB) |")
print("|---:|---:|---:|---:|---:|---:|")
for row in rows:
    print("| %.0f | %d | %d | %.1f | %.1f | %.1f |" % row)
total_errors = sum(r[2] for r in rows)
print(f"\ntotal: {sum(r[1] for r in rows)} requests, {total_errors} errors")
sys.exit(1 if total_errors else 0)
