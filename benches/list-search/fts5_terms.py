#!/usr/bin/env python3
"""How FTS5 answers a word asked as a prefix against the same word asked as its exact forms.

    python3 benches/list-search/fts5_terms.py            # a million rows (BENCH_ROWS overrides)

Builds, in a temporary file, an FTS5 table shaped like Acquis's (`dossier` token column, `body`
with the same tokenizer), ten rows per dossier, each body six words drawn from ten, merged into
one segment. Prints the median time of each query: one word within one dossier, and a page of
1,001 highlighted matches of one and of two words across the whole table. Figures are printed,
never asserted. Uses the sqlite3 module of the Python that runs it (its SQLite version is
printed).
"""
import os
import random
import sqlite3
import statistics
import tempfile
import time

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
WORDS = ("attestation attestations diagnostic territorial infirmier rapport projet equipe "
         "partenariat evaluation").split()


def forms(word):
    return "(" + " OR ".join(f'"{word}{end}"' for end in ("", "s", "x")) + ")"


def median_ms(db, sql, expression, runs=11):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        db.execute(sql, (expression,)).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    random.seed(1)
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(os.path.join(folder, "terms.db"))
        db.execute("CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, dossier, body, "
                   "tokenize = 'unicode61 remove_diacritics 2')")
        batch = []
        for row in range(ROWS):
            body = " ".join(random.choice(WORDS) for _ in range(6))
            batch.append((row, "d%032x" % (row // 10), body))
            if len(batch) == 50_000:
                db.executemany("INSERT INTO t VALUES (?, ?, ?)", batch)
                batch = []
        db.executemany("INSERT INTO t VALUES (?, ?, ?)", batch)
        db.execute("INSERT INTO t (t) VALUES ('optimize')")
        db.commit()
        dossier = '"d%032x"' % (ROWS // 20)
        count = "SELECT count(*) FROM t WHERE t MATCH ?"
        page = "SELECT highlight(t, 2, char(1), '') FROM t WHERE t MATCH ? LIMIT 1001"
        cases = [
            ("one word within one dossier", count,
             f'body : ("attestation"*) AND dossier : ({dossier})',
             f'body : {forms("attestation")} AND dossier : ({dossier})'),
            ("1,001 matches of one word", page,
             'body : ("infirmier"*)', f'body : {forms("infirmier")}'),
            ("1,001 matches of two words", page,
             'body : ("diagnostic"* AND "territorial"*)',
             f'body : ({forms("diagnostic")} AND {forms("territorial")})'),
        ]
        print(f"SQLite {sqlite3.sqlite_version}, {ROWS:,} rows")
        print("| query | prefix ms | exact forms ms |")
        print("|---|---:|---:|")
        for name, sql, prefix, exact in cases:
            print(f"| {name} | {median_ms(db, sql, prefix):.2f} | {median_ms(db, sql, exact):.2f} |")


if __name__ == "__main__":
    main()
