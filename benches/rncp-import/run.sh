#!/usr/bin/env bash
# RNCP import benchmark: `acquis import-rncp` on a generated export of BENCH_FICHES fiches
# (default 30,000, the size of the real RNCP+RS export: about 19 KB of XML per fiche, four blocs
# of eight competences each, one official equivalence in ten), first into an empty database,
# then again (every fiche unchanged), then from the zip France compétences publishes. Prints
# fiches/s and the importer's peak RSS (GNU time) for each run; figures are printed, never
# asserted.
#
#   benches/rncp-import/run.sh                               # SQLite in a temporary directory
#   BENCH_FICHES=5000 benches/rncp-import/run.sh
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench benches/rncp-import/run.sh
#
# Builds the release binary; needs python3 and /usr/bin/time (Debian's `time` package).
set -euo pipefail
cd "$(dirname "$0")/../.."
FICHES=${BENCH_FICHES:-30000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/acquis-rncp-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

if [ ! -x /usr/bin/time ]; then
  echo "needs /usr/bin/time (apt-get install time)" >&2
  exit 1
fi
cargo build --release --locked -q
BIN=$PWD/target/release/acquis

XML="$TMP/export_fiches_RNCP_V4_1_2026-08-16.xml"
python3 - "$XML" "$FICHES" <<'PY'
import sys, random
path, count = sys.argv[1], int(sys.argv[2])
random.seed(1)
words = ("analyser concevoir piloter évaluer accompagner coordonner animer organiser conduire "
         "mobiliser diagnostiquer planifier négocier rédiger présenter arbitrer former encadrer "
         "projet équipe public territoire partenaires dispositif qualité risques budget usagers "
         "politiques sociales démarche méthode outils indicateurs réseau acteurs contexte").split()
def sentence(n):
    return " ".join(random.choice(words) for _ in range(n)).capitalize()
with open(path, "w", encoding="utf-8") as out:
    out.write('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<FICHES>\n  <VERSION_FLUX>4.1</VERSION_FLUX>\n')
    for i in range(count):
        number = f"RNCP{50000 + i}"
        blocs = []
        for b in range(1, 5):
            items = "       ".join(f"C{b}.{k}. {sentence(22)}" for k in range(1, 9))
            evaluation = "   ".join(f"C{b}.{k}. Mise en situation : {sentence(14)}" for k in range(1, 9))
            blocs.append(f"      <BLOC_COMPETENCES>\n        <CODE>{number}BC0{b}</CODE>\n        <LIBELLE>{sentence(6)}</LIBELLE>\n"
                         f"        <LISTE_COMPETENCES>{items}</LISTE_COMPETENCES>\n        <MODALITES_EVALUATION>{evaluation}</MODALITES_EVALUATION>\n      </BLOC_COMPETENCES>\n")
        equivalence = ""
        if i % 10 == 0 and i > 0:
            other = f"RNCP{50000 + i - 1}"
            equivalence = (f"    <CORRESPONDANCES>\n      <CORRESPONDANCE>\n        <SOURCE><BLOC_COMPETENCES><CODE>{number}BC02</CODE></BLOC_COMPETENCES></SOURCE>\n"
                           f"        <DESTINATION><NUMERO_FICHE>{other}</NUMERO_FICHE><BLOC_COMPETENCES><CODE>{other}BC02</CODE></BLOC_COMPETENCES></DESTINATION>\n"
                           "      </CORRESPONDANCE>\n    </CORRESPONDANCES>\n")
        out.write(f"  <FICHE>\n    <ID_FICHE>{i}</ID_FICHE>\n    <NUMERO_FICHE>{number}</NUMERO_FICHE>\n    <INTITULE>{sentence(8)}</INTITULE>\n"
                  f"    <ETAT_FICHE>Publiée</ETAT_FICHE>\n    <ACTIF>Oui</ACTIF>\n    <NOMENCLATURE_EUROPE><NIVEAU>NIV{random.randint(3, 8)}</NIVEAU><LIBELLE>Niveau</LIBELLE></NOMENCLATURE_EUROPE>\n"
                  f"    <DATE_FIN_ENREGISTREMENT>31/12/2028</DATE_FIN_ENREGISTREMENT>\n"
                  f"    <ACTIVITES_VISEES>{sentence(400)}</ACTIVITES_VISEES>\n    <CAPACITES_ATTESTEES>{sentence(300)}</CAPACITES_ATTESTEES>\n"
                  f"    <BLOCS_COMPETENCES>\n{''.join(blocs)}    </BLOCS_COMPETENCES>\n{equivalence}"
                  f"    <SI_JURY_VAE><ACTIF>Oui</ACTIF><COMPOSITION>{sentence(30)}</COMPOSITION></SI_JURY_VAE>\n  </FICHE>\n")
    out.write("</FICHES>\n")
PY
ZIP="$TMP/export-fiches-rncp-v4-1-2026-08-18.zip"
python3 -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED); z.write(sys.argv[2], 'export_fiches_RNCP_V4_1_2026-08-18.xml'); z.close()" "$ZIP" "$XML"
printf 'generated %s fiches: %s MB of XML, %s MB zipped\n' "$FICHES" \
  "$(( $(stat -c %s "$XML") / 1000000 ))" "$(( $(stat -c %s "$ZIP") / 1000000 ))"

export ACQUIS_DATA_DIR="$TMP/data" RUST_LOG=warn
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  export DATABASE_URL="$BENCH_DATABASE_URL"
  echo "database: PostgreSQL ($DATABASE_URL)"
else
  echo "database: SQLite in $ACQUIS_DATA_DIR"
fi
run() {
  local label=$1 file=$2
  /usr/bin/time -f '%e %M' -o "$TMP/time" "$BIN" import-rncp "$file" > "$TMP/report"
  read -r seconds rss_kb < "$TMP/time"
  python3 - "$label" "$FICHES" "$seconds" "$rss_kb" "$(sed -n 2p "$TMP/report")" <<'PY'
import sys
label, fiches, seconds, rss, counts = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
print(f"{label:<34} {seconds:7.1f} s  {fiches / max(seconds, 1e-9):8.0f} fiches/s  peak RSS {rss / 1024:6.1f} MiB   ({counts})")
PY
}
"$BIN" migrate > /dev/null
run "XML, empty database" "$XML"
run "XML again, every fiche unchanged" "$XML"
run "zip, every fiche unchanged" "$ZIP"
