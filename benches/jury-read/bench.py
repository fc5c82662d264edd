#!/usr/bin/env python3
"""Helpers of benches/jury-read/run.sh (standard library only).

  bench.py pg-query INTROSPECTION.json          the PostGraphile query, from its introspection
  bench.py shape acquis|postgraphile RESP.json  what a response holds (ids and counts), as JSON
  bench.py compare A_SHAPE.json B_SHAPE.json    exit 1 (and say why) when they differ
  bench.py wrk-script OUT.lua BODY.json [TOKEN] a wrk script POSTing the body, counting bad answers
  bench.py measure --out RUN.json ... -- CMD    one measured load run (wrk or pgbench)
  bench.py quiet --max-busy PCT --window S --timeout S   wait until the machine is idle enough
  bench.py perf-summary PERF.txt                 `perf report -t '|'` output grouped, as Markdown
  bench.py report --runs DIR --meta META.json --out RESULTS.md   the final table

`measure` accounts CPU from /proc: the server process (utime+stime of all its threads), the
PostgreSQL backends of the benchmark database (found by their process title, polled during the
run so that backends which come and go, as pgbench's do, are counted), the load tool itself
(rusage of the child) and everything else the machine did meanwhile ("foreign" CPU, the noise
of a shared machine).
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------
# PostGraphile query from the introspection


def unwrap(t):
    while t.get("ofType"):
        t = t["ofType"]
    return t.get("name")


def pg_query(path):
    schema = json.load(open(path))["data"]["__schema"]
    types = {t["name"]: t for t in schema["types"]}

    def fields(type_name):
        t = types.get(type_name)
        if not t or not t.get("fields"):
            sys.exit(f"postgraphile: no type {type_name} in the generated schema")
        return {f["name"]: f for f in t["fields"]}

    def relation(owner, target_type, hint):
        found = [n for n, f in fields(owner).items() if unwrap(f["type"]) == target_type]
        if hint:
            found = [n for n in found if hint in n] or found
        if not found:
            sys.exit(f"postgraphile: {owner} has no field of type {target_type}")
        return sorted(found, key=len)[0]

    def key(owner):
        # Amber (v5) exposes the column `id` as `rowId` (its `id` is the global Node ID).
        f = fields(owner)
        return "rowId" if "rowId" in f else "id"

    def column(owner, name):
        if name not in fields(owner):
            sys.exit(f"postgraphile: {owner} has no field {name}")
        return name

    query_type = schema["queryType"]["name"]
    roots = [
        f
        for f in fields(query_type).values()
        if unwrap(f["type"]) == "Dossier"
        and len(f["args"]) == 1
        and unwrap(f["args"][0]["type"]) == "UUID"
    ]
    if not roots:
        sys.exit("postgraphile: no root field that reads a Dossier by its UUID")
    root = roots[0]
    arg = root["args"][0]["name"]
    experiences = relation("Dossier", "ExperienceConnection", "experiences")
    claims = relation("Experience", "CompetenceClaimConnection", "ExperienceId")
    links = relation("Experience", "EvidenceExperienceConnection", "ExperienceId")
    evidence = relation("EvidenceExperience", "Evidence", "EvidenceId")
    competences = relation("Evidence", "EvidenceCompetenceConnection", "EvidenceId")
    code = column("CompetenceClaim", "competenceCode")
    column("EvidenceCompetence", "competenceCode")
    for name in ("selfAssessment", "justification"):
        column("CompetenceClaim", name)
    for name in ("title", "fileName"):
        column("Evidence", name)
    column("Experience", "title")
    column("Dossier", "status")
    return (
        f"query JuryRead($id: UUID!) {{ dossier: {root['name']}({arg}: $id) {{ "
        f"id: {key('Dossier')} status "
        f"experiences: {experiences}(first: 100) {{ nodes {{ id: {key('Experience')} title "
        f"claims: {claims} {{ nodes {{ competence: {code} selfAssessment justification }} }} "
        f"evidence: {links} {{ nodes {{ evidence: {evidence} {{ id: {key('Evidence')} title fileName "
        f"competences: {competences} {{ nodes {{ code: competenceCode }} }} }} }} }} "
        f"}} }} }} }}"
    )


# --------------------------------------------------------------------------------------------
# What a response holds


def shape(system, path):
    raw = open(path).read()
    try:
        body = json.loads(raw)
    except ValueError:
        sys.exit(f"{system}: not JSON: {raw[:500]}")
    if body.get("errors") or not (body.get("data") or {}).get("dossier"):
        sys.exit(f"{system}: unexpected response: {raw[:1500]}")
    dossier = body["data"]["dossier"]
    if system == "acquis":
        experiences = [e["node"] for e in dossier["experiences"]["edges"]]
        claims_of = lambda x: [(c["competence"]["code"], c["selfAssessment"], c["justification"]) for c in x["claims"]]
        evidence_of = lambda x: x["evidence"]
        codes_of = lambda v: [c["code"] for c in v["competences"]]
    else:
        experiences = dossier["experiences"]["nodes"]
        claims_of = lambda x: [(c["competence"], c["selfAssessment"], c["justification"]) for c in x["claims"]["nodes"]]
        evidence_of = lambda x: [link["evidence"] for link in x["evidence"]["nodes"] if link["evidence"]]
        codes_of = lambda v: [c["code"] for c in v["competences"]["nodes"]]
    claims, evidence, codes = [], [], []
    for x in experiences:
        claims += [[x["id"], *c] for c in claims_of(x)]
        for v in evidence_of(x):
            evidence.append([x["id"], v["id"], v["title"], v["fileName"]])
            codes += [[x["id"], v["id"], c] for c in codes_of(v)]
    return {
        "dossier": dossier["id"],
        "status": dossier["status"],
        "counts": {
            "experiences": len(experiences),
            "claims": len(claims),
            "evidence": len(evidence),
            "evidence_competences": len(codes),
        },
        "experiences": sorted([x["id"], x["title"]] for x in experiences),
        "claims": sorted(claims),
        "evidence": sorted(evidence),
        "evidence_competences": sorted(codes),
        "bytes": len(raw.encode()),
    }


def compare(a_path, b_path):
    a, b = json.load(open(a_path)), json.load(open(b_path))
    problems = [k for k in ("dossier", "status", "experiences", "claims", "evidence", "evidence_competences") if a[k] != b[k]]
    if problems:
        print(f"DIFFERENT content ({', '.join(problems)}): {a['counts']} vs {b['counts']}")
        for k in problems:
            print(f"  {k}:\n    a={json.dumps(a[k])[:800]}\n    b={json.dumps(b[k])[:800]}")
        sys.exit(1)
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in a["counts"].items())
    print(f"the same content: {counts} (same ids, titles, claims and codes; response bytes {a['bytes']} vs {b['bytes']})")


# --------------------------------------------------------------------------------------------
# The wrk script: POSTs one body, counts bad answers (non-200, or a GraphQL `errors` member) and
# prints one machine-readable line at the end, which `measure` reads.

WRK_TAIL = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
  io.write(string.format("JRB requests=%d duration_us=%d p50_us=%d p99_us=%d bad=%d connect=%d read=%d write=%d timeout=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), b,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""


def wrk_script(out, body_path, token=None):
    body = open(body_path).read().strip()
    if "]==]" in body:
        sys.exit("wrk-script: the body cannot be quoted as a Lua long string")
    lines = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        'wrk.headers["Accept"] = "application/json"',
    ]
    if token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    lines.append(f"wrk.body = [==[{body}]==]")
    open(out, "w").write("\n".join(lines) + "\n" + WRK_TAIL)


# --------------------------------------------------------------------------------------------
# One measured run


def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return int(rest[11]) + int(rest[12])
    except (OSError, IndexError, ValueError):
        return None


def machine_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def all_ticks():
    """utime+stime and name of every process now."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    raw = f.read()
                head, rest = raw.rsplit(")", 1)
                fields = rest.split()
                out[int(entry)] = (head.split("(", 1)[1], int(fields[11]) + int(fields[12]))
            except (OSError, IndexError, ValueError):
                pass
    return out


def backend_pids(db):
    title = re.compile(r"^postgres: .*?: \S+ " + re.escape(db) + r" ")
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read(300).replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.match(cmd):
            pids.append(int(entry))
    return pids


class BackendCpu(threading.Thread):
    """Follows the CPU of the database's backends: those present at the start from their value
    then, those that appear later from zero; a backend that exits keeps its last polled value."""

    def __init__(self, db):
        super().__init__(daemon=True)
        self.db = db
        self.base = {p: cpu_ticks(p) or 0 for p in backend_pids(db)}
        self.last = dict(self.base)
        self.stop = threading.Event()

    def poll(self, rescan):
        if rescan:
            for p in backend_pids(self.db):
                self.last.setdefault(p, 0)
        for p in list(self.last):
            t = cpu_ticks(p)
            if t is not None:
                self.last[p] = max(self.last[p], t)

    def run(self):
        n = 0
        while not self.stop.wait(0.2):
            n += 1
            self.poll(rescan=n % 5 == 1)

    def finish(self):
        self.stop.set()
        self.join()
        self.poll(rescan=True)
        return sum(self.last[p] - self.base.get(p, 0) for p in self.last), len(self.last)


def scrape(url):
    if not url:
        return {}
    try:
        text = urllib.request.urlopen(url, timeout=5).read().decode()
    except Exception:
        return {}
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(acquis_db_statements_total|acquis_graphql_requests_total)(\{[^}]*\})? (\S+)", line)
        if m:
            key = m.group(1) + ("" if not m.group(2) else m.group(2))
            out[key] = float(m.group(3))
    return out


def metric_delta(before, after, name, label=None):
    total = 0.0
    for k, v in after.items():
        if k.startswith(name) and (label is None or label in k):
            total += v - before.get(k, 0.0)
    return total


def loadavg():
    return float(open("/proc/loadavg").read().split()[0])


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[i]


def measure(args, cmd):
    load = loadavg()
    watcher = BackendCpu(args.db) if args.db else None
    before_metrics = scrape(args.metrics_url)
    server0 = cpu_ticks(args.server_pid) if args.server_pid else None
    procs0 = all_ticks()
    busy0, total0 = machine_ticks()
    self0 = sum(os.times()[:2])
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if watcher:
        watcher.start()
    started = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - started
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    server1 = cpu_ticks(args.server_pid) if args.server_pid else None
    pg_ticks, pg_backends = watcher.finish() if watcher else (0, 0)
    busy1, total1 = machine_ticks()
    self1 = sum(os.times()[:2])
    procs1 = all_ticks()
    after_metrics = scrape(args.metrics_url)
    log = proc.stdout + proc.stderr
    open(args.out + ".log", "w").write(" ".join(cmd) + "\n" + log)
    if server0 is not None and server1 is None:
        sys.exit(f"{args.system}: the server (pid {args.server_pid}) died during the run; see {args.out}.log")

    result = {"system": args.system, "rep": args.rep, "load1": load, "wall_s": wall, "exit": proc.returncode}
    if args.tool == "wrk":
        m = re.search(r"^JRB (.*)$", log, re.M)
        if proc.returncode != 0 or not m:
            sys.exit(f"{args.system}: wrk failed (exit {proc.returncode}):\n{log[-2000:]}")
        kv = dict(item.split("=") for item in m.group(1).split())
        requests = int(kv["requests"])
        seconds = int(kv["duration_us"]) / 1e6
        result.update(
            requests=requests,
            seconds=seconds,
            rps=requests / seconds,
            p50_ms=int(kv["p50_us"]) / 1000,
            p99_ms=int(kv["p99_us"]) / 1000,
            bad=int(kv["bad"]),
            socket_errors=int(kv["connect"]) + int(kv["read"]) + int(kv["write"]) + int(kv["timeout"]),
        )
    else:
        tps = re.search(r"^tps = ([\d.]+) \(without initial connection time\)", log, re.M)
        done = re.search(r"number of transactions actually processed: (\d+)", log)
        failed = re.search(r"number of failed transactions: (\d+)", log)
        duration = re.search(r"^duration: (\d+) s", log, re.M)
        if proc.returncode != 0 or not tps or not done:
            sys.exit(f"{args.system}: pgbench failed (exit {proc.returncode}):\n{log[-2000:]}")
        latencies = []
        for name in os.listdir(args.pgbench_log_dir or "."):
            if name.startswith("jrb_pgbench"):
                path = os.path.join(args.pgbench_log_dir, name)
                for line in open(path):
                    parts = line.split()
                    if len(parts) >= 3 and parts[2].isdigit():
                        latencies.append(int(parts[2]))
                os.remove(path)
        latencies.sort()
        requests = int(done.group(1))
        seconds = float(duration.group(1)) if duration else wall
        result.update(
            requests=requests,
            seconds=seconds,
            rps=float(tps.group(1)),
            p50_ms=percentile(latencies, 50) / 1000 if latencies else None,
            p99_ms=percentile(latencies, 99) / 1000 if latencies else None,
            bad=int(failed.group(1)) if failed else 0,
            socket_errors=0,
        )
    n = max(result["requests"], 1)
    tool_ticks = (child1.ru_utime + child1.ru_stime - child0.ru_utime - child0.ru_stime) * TICK
    server_ticks = (server1 - server0) if server0 is not None else 0
    foreign = (busy1 - busy0) - server_ticks - pg_ticks - tool_ticks - (self1 - self0) * TICK
    # Who else used the machine meanwhile (processes alive at both ends; not ours).
    ours = {os.getpid(), args.server_pid} | set(watcher.last if watcher else ())
    others = {}
    for pid, (name, t1) in procs1.items():
        if pid in ours or pid not in procs0 or procs0[pid][0] != name:
            continue
        d = t1 - procs0[pid][1]
        if d > 0:
            others[name] = others.get(name, 0) + d
    top = sorted(others.items(), key=lambda kv: -kv[1])[:4]
    result["foreign_top"] = ", ".join(f"{name} {100 * t / max(total1 - total0, 1):.0f}%" for name, t in top if 100 * t / max(total1 - total0, 1) >= 1)
    result.update(
        server_cpu_ms=(server_ticks * 1000 / TICK / n) if server0 is not None else None,
        pg_cpu_ms=pg_ticks * 1000 / TICK / n,
        pg_backends=pg_backends,
        tool_cpu_pct=100 * tool_ticks / max(total1 - total0, 1),
        foreign_cpu_pct=100 * max(foreign, 0) / max(total1 - total0, 1),
    )
    if args.metrics_url:
        result["statements_per_req"] = metric_delta(before_metrics, after_metrics, "acquis_db_statements_total") / n
        result["graphql_errors"] = metric_delta(before_metrics, after_metrics, "acquis_graphql_requests_total", 'outcome="error"')
    json.dump(result, open(args.out, "w"), indent=1)
    fmt = lambda v, f: "-" if v is None else format(v, f)
    print(
        f"  {args.system:<12} rep {args.rep}: {result['rps']:8.1f} req/s  p50 {fmt(result['p50_ms'], '.2f')} ms"
        f"  p99 {fmt(result['p99_ms'], '.2f')} ms  server CPU {fmt(result['server_cpu_ms'], '.2f')} ms/req"
        f"  PG CPU {result['pg_cpu_ms']:.2f} ms/req  errors {result['bad'] + result['socket_errors']}"
        f"  foreign CPU {result['foreign_cpu_pct']:.0f}% ({result['foreign_top'] or '-'})  load {load:.2f}",
        flush=True,
    )


# --------------------------------------------------------------------------------------------
# Waiting for a quiet machine: the share of both cores busy over a short window, which (unlike
# the load average) does not remember this script's own previous run.


def quiet(max_busy, window, timeout):
    deadline = time.time() + timeout
    while True:
        busy0, total0 = machine_ticks()
        time.sleep(window)
        busy1, total1 = machine_ticks()
        busy = 100 * (busy1 - busy0) / max(total1 - total0, 1)
        if busy <= max_busy:
            print(f"{busy:.0f}")
            return 0
        if time.time() >= deadline:
            print(f"{busy:.0f}")
            return 1


# --------------------------------------------------------------------------------------------
# perf summary

ALLOC = {"malloc", "_int_malloc", "free", "cfree@GLIBC_2.2.5", "cfree", "_int_free", "malloc_consolidate",
         "unlink_chunk.constprop.0", "realloc", "_int_realloc", "calloc", "__libc_malloc", "__libc_free",
         "__libc_realloc", "tcache_init.part.0", "_int_free_merge_chunk", "_int_free_create_chunk"}


def crate_of(sym):
    s = sym.strip()
    while True:
        t = re.sub(r"^(<|&|\*const |\*mut |mut |dyn |impl )", "", s)
        if t == s:
            break
        s = t
    head = re.split(r"::|<| as |\[", s, maxsplit=1)[0].strip()
    return head or "?"


def perf_summary(path):
    groups, top = {}, []
    for line in open(path):
        parts = [x.strip() for x in line.split("|")]
        if len(parts) < 3 or not parts[0].endswith("%"):
            continue
        pct = float(parts[0].rstrip("%"))
        dso, sym = parts[1], re.sub(r"^\[[.k]\] ", "", parts[2])
        if dso.startswith("[kernel"):
            group = "kernel (syscalls, scheduler, TCP loopback)"
        elif dso.startswith("libc"):
            if sym in ALLOC or "malloc" in sym or sym.endswith("free"):
                group = "libc malloc/free"
            elif "mem" in sym or "str" in sym:
                group = "libc memcpy/memmove/memcmp"
            else:
                group = "libc other (send/recv, locks)"
        elif dso == "acquis":
            crate = crate_of(sym)
            if crate in ("core", "alloc", "std", "hashbrown"):
                crate = "core/alloc/std/hashbrown (inlined generics: hashing, Vec, String)"
            group = "acquis binary: " + crate
        else:
            group = dso
        groups[group] = groups.get(group, 0) + pct
        top.append((pct, dso, sym))
    if not top:
        sys.exit("no samples")
    print("- Where Acquis's CPU goes under the same load (`perf record -F 997` on the server for one run, flat profile, grouped):")
    print()
    print("| share | group |")
    print("|---:|---|")
    for g, pct in sorted(groups.items(), key=lambda kv: -kv[1])[:14]:
        print(f"| {pct:.1f}% | {g} |")
    print()
    print("- Hottest symbols:")
    print()
    print("| share | where | symbol |")
    print("|---:|---|---|")
    for pct, dso, sym in sorted(top, reverse=True)[:15]:
        print(f"| {pct:.2f}% | {dso} | `{sym[:140]}` |")
    print()


# --------------------------------------------------------------------------------------------
# The report

SYSTEMS = [("acquis", "Acquis"), ("postgraphile", "PostGraphile v5"), ("pgbench", "raw SQL (pgbench)")]


def med(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def f(v, spec, dash="—"):
    return dash if v is None else format(v, spec)


def report(args):
    meta = json.load(open(args.meta))
    runs = {}
    for name in sorted(os.listdir(args.runs)):
        if name.endswith(".json"):
            r = json.load(open(os.path.join(args.runs, name)))
            runs.setdefault(r["system"], []).append(r)
    medians = {}
    for key, _ in SYSTEMS:
        rs = runs.get(key, [])
        medians[key] = {k: med(rs, k) for k in ("rps", "p50_ms", "p99_ms", "server_cpu_ms", "pg_cpu_ms", "statements_per_req", "foreign_cpu_pct", "load1")}
        medians[key]["n"] = len(rs)
        medians[key]["errors"] = sum(r["bad"] + r["socket_errors"] for r in rs)

    lines = []
    w = lines.append
    w(f"# Jury read benchmark: Acquis vs PostGraphile v5 vs raw SQL\n")
    w(f"- date: {meta['date']}")
    w(f"- machine: {meta['machine']}")
    w(f"- dataset: `acquis seed --dossiers {meta['dossiers']}` (default options) in a fresh PostgreSQL database: {meta['dataset']}")
    w(f"- dossier read: `{meta['dossier_id']}` (READY_FOR_JURY, assigned to `seed-jury`): {meta['dossier_counts']}; both servers returned the same content: {meta['same_content']}")
    w(f"- load: wrk {meta['connections']} connections, {meta['threads']} threads, {meta['duration']} s per run after a {meta['warmup']} s warm-up (and a first {meta.get('first_warmup', 0)} s one per server); pgbench {meta['connections']} clients, {meta['threads']} threads, same duration, `-M prepared`; {meta['runs']} runs each, systems back to back in each round; medians")
    w(f"- versions: {meta['versions']}")
    w(f"- command: `{meta['command']}`")
    w("")
    w("| system | req/s (tps) | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | SQL statements/req | errors | foreign CPU % | runs |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    statements = {"postgraphile": meta.get("postgraphile_statements"), "pgbench": meta.get("pgbench_statements")}
    for key, label in SYSTEMS:
        m = medians[key]
        if not m["n"]:
            w(f"| {label} | not measured: {meta.get('skipped', {}).get(key, 'no run')} | | | | | | | | 0 |")
            continue
        stmts = m["statements_per_req"] if key == "acquis" else statements.get(key)
        w(
            f"| {label} | {f(m['rps'], '.1f')} | {f(m['p50_ms'], '.2f')} | {f(m['p99_ms'], '.2f')} | "
            f"{f(m['server_cpu_ms'], '.2f', '— (no server)')} | {f(m['pg_cpu_ms'], '.2f')} | {f(stmts, '.1f') if isinstance(stmts, (int, float)) else (stmts or '—')} | "
            f"{m['errors']} | {f(m['foreign_cpu_pct'], '.0f')} | {m['n']} |"
        )
    w("")
    a, p = medians["acquis"], medians["postgraphile"]
    verdict = []
    if a["n"] and p["n"] and p["rps"]:
        ratio = a["rps"] / p["rps"]
        cpu_ratio = (a["server_cpu_ms"] / p["server_cpu_ms"]) if p["server_cpu_ms"] else None
        total_a = (a["server_cpu_ms"] or 0) + (a["pg_cpu_ms"] or 0)
        total_p = (p["server_cpu_ms"] or 0) + (p["pg_cpu_ms"] or 0)
        w(f"**Acquis / PostGraphile throughput: {ratio:.2f}×** (server CPU per request: Acquis {f(a['server_cpu_ms'], '.2f')} ms vs "
          f"PostGraphile {f(p['server_cpu_ms'], '.2f')} ms, ratio {f(cpu_ratio, '.2f')}; server + PostgreSQL CPU per request: "
          f"{total_a:.2f} ms vs {total_p:.2f} ms).")
        if medians["pgbench"]["n"]:
            w(f"Raw SQL floor: {medians['pgbench']['rps']:.0f} tps, i.e. Acquis reaches {100 * a['rps'] / medians['pgbench']['rps']:.0f}% and PostGraphile {100 * p['rps'] / medians['pgbench']['rps']:.0f}% of it.")
        w("")
        if ratio < 1:
            verdict.append(f"**Acquis is SLOWER than PostGraphile on this read: {ratio:.2f}× its throughput** (target: at least 2×).")
        elif ratio < 2:
            verdict.append(f"**Acquis is below the 2× PostGraphile target: {ratio:.2f}× its throughput.**")
        else:
            verdict.append(f"Acquis meets the 2× PostGraphile target: {ratio:.2f}× its throughput.")
    else:
        w("Acquis / PostGraphile throughput: not available (one of them was not measured).\n")
    for v in verdict:
        w(v + "\n")
    for note in meta.get("notes", []):
        w(f"- {note}")
    if meta.get("notes"):
        w("")
    findings = os.path.join(os.path.dirname(os.path.abspath(__file__)), "FINDINGS.md")
    if os.path.exists(findings):
        w("Reading of the profile, file by file: [FINDINGS.md](FINDINGS.md) (written by hand from an earlier run; "
          "check it against the figures here after changes).\n")
    profile = meta.get("profile_md")
    if profile and os.path.exists(profile):
        w(open(profile).read().rstrip() + "\n")
    w("## Every run\n")
    w("| system | round | req/s | p50 ms | p99 ms | server CPU ms/req | PG CPU ms/req | statements/req | errors | foreign CPU % | tool CPU % | load1 at start |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key, label in SYSTEMS:
        for r in sorted(runs.get(key, []), key=lambda r: r["rep"]):
            w(
                f"| {label} | {r['rep']} | {r['rps']:.1f} | {f(r['p50_ms'], '.2f')} | {f(r['p99_ms'], '.2f')} | "
                f"{f(r['server_cpu_ms'], '.2f')} | {r['pg_cpu_ms']:.2f} | {f(r.get('statements_per_req'), '.1f')} | "
                f"{r['bad'] + r['socket_errors']} | {r['foreign_cpu_pct']:.0f} | {r['tool_cpu_pct']:.0f} | {r['load1']:.2f} |"
            )
    w("")
    w("Columns: req/s from wrk (`--latency`; p50/p99 from its histogram) or pgbench's tps (p50/p99 from its "
      "per-transaction log); server CPU = utime+stime of the server process over the run / requests; "
      "PostgreSQL CPU = the same for the backends of the benchmark database; errors = non-2xx, socket errors, "
      "GraphQL `errors` in bodies and failed pgbench transactions; foreign CPU = what the rest of the machine "
      "used meanwhile, in % of both cores (noise of the shared machine); tool CPU = wrk or pgbench itself.")
    text = "\n".join(lines) + "\n"
    open(args.out, "w").write(text)
    print(text)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "pg-query":
        print(pg_query(sys.argv[2]))
    elif cmd == "shape":
        json.dump(shape(sys.argv[2], sys.argv[3]), sys.stdout)
    elif cmd == "compare":
        compare(sys.argv[2], sys.argv[3])
    elif cmd == "wrk-script":
        wrk_script(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    elif cmd == "measure":
        argv = sys.argv[2:]
        split = argv.index("--")
        p = argparse.ArgumentParser(prog="bench.py measure")
        p.add_argument("--system", required=True)
        p.add_argument("--rep", type=int, required=True)
        p.add_argument("--tool", choices=["wrk", "pgbench"], required=True)
        p.add_argument("--server-pid", type=int)
        p.add_argument("--db")
        p.add_argument("--metrics-url")
        p.add_argument("--pgbench-log-dir")
        p.add_argument("--out", required=True)
        measure(p.parse_args(argv[:split]), argv[split + 1 :])
    elif cmd == "quiet":
        p = argparse.ArgumentParser(prog="bench.py quiet")
        p.add_argument("--max-busy", type=float, required=True)
        p.add_argument("--window", type=float, default=5)
        p.add_argument("--timeout", type=float, required=True)
        a = p.parse_args(sys.argv[2:])
        sys.exit(quiet(a.max_busy, a.window, a.timeout))
    elif cmd == "perf-summary":
        perf_summary(sys.argv[2])
    elif cmd == "report":
        p = argparse.ArgumentParser(prog="bench.py report")
        p.add_argument("--runs", required=True)
        p.add_argument("--meta", required=True)
        p.add_argument("--out", required=True)
        report(p.parse_args(sys.argv[2:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
