// Couverture: per domain, a matrix of its competences against the dossier's files, so the
// gaps show at once: claimed without a file, or not claimed at all.

import { h, scrollTable, formatMonths } from "../dom.js";
import { COVERAGE } from "../labels.js";
import { files } from "./evidence.js";
import { frame, loadDossier } from "./frame.js";

const FIELDS = `coverage { fteMonths domain { code title } competences { status experienceCount evidenceCount competence { code title } } }`;

export async function screen({ params, viewer }) {
  const dossier = await loadDossier(params[0], FIELDS);
  const evidence = await files(dossier.id);
  const content = [h("p", { class: "lede" }, "Chaque ligne est une compétence du référentiel, chaque colonne un fichier déposé : une coche dit que le fichier appuie la compétence.")];
  for (const domain of dossier.coverage) {
    const code = domain.domain?.code || "—";
    const proven = domain.competences.filter((c) => c.status === "EVIDENCED").length;
    const captionId = `matrice-${code}`;
    // Only the files of this domain take a column; a file that supports none of it adds nothing.
    const columns = evidence.filter((f) => f.competences.some((c) => domain.competences.some((k) => k.competence.code === c.code)));
    content.push(h("section", { "aria-labelledby": `titre-${code}` },
      h("h2", { id: `titre-${code}` }, `${code} — ${domain.domain?.title || "Hors référentiel"}`),
      h("p", { class: "meta" }, `${proven} compétence${proven > 1 ? "s" : ""} prouvée${proven > 1 ? "s" : ""} sur ${domain.competences.length} · ${formatMonths(domain.fteMonths)} d'expérience en équivalent temps plein`),
      scrollTable(`Matrice ${code}`, h("table", { class: "matrix" },
        h("caption", { id: captionId }, `Compétences de ${code} et fichiers qui les appuient`),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, "Compétence"),
          h("th", { scope: "col" }, "Couverture"),
          h("th", { scope: "col" }, "Expériences"),
          columns.map((f) => h("th", { scope: "col" }, f.title)))),
        h("tbody", {}, domain.competences.map((row) => {
          const [label, tone] = COVERAGE[row.status];
          return h("tr", {},
            h("th", { scope: "row" }, h("strong", {}, row.competence.code), ` — ${row.competence.title}`),
            h("td", {}, h("span", { class: `badge ${tone}` }, label)),
            h("td", { class: "mark" }, String(row.experienceCount)),
            columns.map((f) => {
              const yes = f.competences.some((c) => c.code === row.competence.code);
              return h("td", { class: yes ? "mark yes" : "mark" },
                yes ? h("span", { "aria-hidden": "true" }, "✓") : h("span", { "aria-hidden": "true" }, "·"),
                h("span", { class: "visually-hidden" }, yes ? "appuie" : "n'appuie pas"));
            }));
        }))))));
  }
  return { title: "Couverture", nodes: frame(viewer, dossier, "couverture", "Couverture", ...content) };
}
