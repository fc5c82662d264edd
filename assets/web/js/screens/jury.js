// Jury: find evidence by its words, open the files (each opening is audited by the service),
// assess every domain, record the decision, and take the whole dossier away as a bundle.

import { gql, mutate } from "../api.js";
import { choices, field, formatDate, h, notice, onSubmit, optional, scrollTable, showErrors } from "../dom.js";
import { ASSESSMENT, DECISION, EVIDENCE_KIND } from "../labels.js";
import { files, openLink } from "./evidence.js";
import { frame, has, loadDossier } from "./frame.js";

const FIELDS = `programme { domains { code title } }
  assessments { domain { code } outcome comment assessor { subject displayName } }
  decision { outcome validatedDomainCodes decidedOn comment }`;

function filesTable(caption, list, loadedAt, reload) {
  return scrollTable(caption, h("table", { class: "stack" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ["Titre", "Nature", "Compétences", "Fichier"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, list.map((f) => h("tr", {},
      h("td", { "data-label": "Titre" }, f.title),
      h("td", { "data-label": "Nature" }, EVIDENCE_KIND[f.kind] || f.kind),
      h("td", { "data-label": "Compétences" }, f.competences.map((c) => c.code).join(", ") || "—"),
      h("td", {}, openLink(f, loadedAt, reload)))))));
}

function searchSection(dossier, reload) {
  const results = h("div", { id: "resultats-recherche", "aria-live": "polite" });
  const form = h("form", { role: "search", "aria-label": "Rechercher dans les preuves", novalidate: true },
    field({ label: "Rechercher dans les preuves et les expériences", name: "query", type: "search", required: true,
      hint: "Des mots du titre d'un fichier, d'une expérience ou d'une justification." }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Rechercher")));
  onSubmit(form, async (v) => {
    if (!optional(v.query)) return showErrors(form, [{ field: ["query"], code: "BLANK" }]);
    const data = await gql(`query($q: String!, $id: ID!) { searchEvidence(query: $q, dossierId: $id, first: 20) {
      totalCount totalCountIsExact edges { node { id kind title downloadUrl competences { code } } } } }`, { q: v.query.trim(), id: dossier.id });
    const found = data.searchEvidence;
    const list = found.edges.map((e) => e.node);
    results.replaceChildren(
      h("p", {}, found.totalCount === 0 ? `Aucun résultat pour « ${v.query.trim()} ».`
        : found.totalCountIsExact ? `${found.totalCount} résultat${found.totalCount > 1 ? "s" : ""} pour « ${v.query.trim()} », les plus pertinents d'abord.`
        : `Plus de ${found.totalCount} résultats pour « ${v.query.trim()} » : précisez la recherche (un domaine, d'autres mots) pour les classer tous.`),
      list.length ? filesTable("Résultats de la recherche", list, Date.now(), reload) : null);
  });
  return h("section", { "aria-labelledby": "titre-recherche" }, h("h2", { id: "titre-recherche" }, "Recherche"), form, results);
}

function assessForm(dossier, domain, current, refresh) {
  const form = h("form", { novalidate: true, "aria-label": `Évaluation de ${domain.code}` },
    choices({ legend: `${domain.code} — ${domain.title}`, name: "outcome", inline: true, required: true, value: current?.outcome,
      options: Object.entries(ASSESSMENT) }),
    field({ label: `Commentaire sur ${domain.code}`, name: "comment", type: "textarea", value: current?.comment }),
    current ? h("p", { class: "meta" }, `Dernière évaluation : ${ASSESSMENT[current.outcome]}, par ${current.assessor.displayName || current.assessor.subject}.`) : null,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Enregistrer l'évaluation", h("span", { class: "visually-hidden" }, ` de ${domain.code}`))));
  return onSubmit(form, async (v) => {
    if (!v.outcome) return showErrors(form, [{ field: ["outcome"], code: "BLANK" }]);
    const payload = await mutate("assessDomain", "AssessDomainInput",
      { dossierId: dossier.id, domainCode: domain.code, outcome: v.outcome, comment: optional(v.comment) }, "dossier { id }");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    return refresh(`${domain.code} : ${ASSESSMENT[v.outcome].toLowerCase()}.`);
  });
}

function decisionForm(dossier, assessed, refresh) {
  const domains = dossier.programme.domains;
  const validated = domains.filter((d) => assessed[d.code]?.outcome === "VALIDATED").length;
  const suggested = Object.keys(assessed).length < domains.length ? null
    : validated === domains.length ? "FULL" : validated === 0 ? "REFUSED" : "PARTIAL";
  const form = h("form", { novalidate: true, "aria-labelledby": "titre-decision" },
    choices({ legend: "Décision", name: "outcome", required: true, value: suggested, options: Object.entries(DECISION) }),
    field({ label: "Commentaire de la décision", name: "comment", type: "textarea" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Enregistrer la décision")));
  return onSubmit(form, async (v) => {
    if (!v.outcome) return showErrors(form, [{ field: ["outcome"], code: "BLANK" }]);
    const payload = await mutate("recordDecision", "RecordDecisionInput",
      { dossierId: dossier.id, outcome: v.outcome, comment: optional(v.comment) }, "dossier { id }");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    return refresh(`Décision enregistrée : ${DECISION[v.outcome].toLowerCase()}.`);
  });
}

function bundleSection(dossier) {
  const place = h("div", { "aria-live": "polite" });
  const form = h("form", { novalidate: true },
    h("p", {}, "Une archive zip : la synthèse du dossier en PDF, chaque fichier rangé par domaine et un manifeste des empreintes."),
    place,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Préparer le dossier complet")));
  onSubmit(form, async () => {
    const payload = await mutate("requestJuryBundle", "RequestJuryBundleInput", { dossierId: dossier.id }, "url expiresAt");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    const until = new Date(payload.expiresAt).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
    place.replaceChildren(notice("success", h("p", {},
      h("a", { href: payload.url, id: "lien-dossier-complet", download: "" }, "Télécharger le dossier complet (zip)"), ` — lien valable jusqu'à ${until}.`)));
    place.querySelector("a").focus();
  });
  return h("section", { "aria-labelledby": "titre-archive" }, h("h2", { id: "titre-archive" }, "Dossier complet"), form);
}

export async function screen({ params, viewer, refresh }) {
  const dossier = await loadDossier(params[0], FIELDS);
  const evidence = await files(dossier.id);
  const reload = async (fileId) => (await files(dossier.id)).find((f) => f.id === fileId)?.downloadUrl;
  const assessed = Object.fromEntries(dossier.assessments.map((a) => [a.domain.code, a]));
  const deciding = has(viewer, "JURY") && dossier.status === "READY_FOR_JURY";
  const content = [];
  if (!["READY_FOR_JURY", "DECIDED"].includes(dossier.status)) {
    content.push(notice("", h("p", {}, "Le jury examine le dossier quand il lui a été transmis.")));
  }
  content.push(searchSection(dossier, reload));
  content.push(h("section", { "aria-labelledby": "titre-preuves-jury" },
    h("h2", { id: "titre-preuves-jury" }, "Preuves du dossier"),
    h("p", { class: "meta" }, "Chaque ouverture de fichier est enregistrée dans le journal du dossier."),
    evidence.length ? filesTable("Preuves du dossier", evidence, Date.now(), reload) : h("p", {}, "Aucun fichier.")));
  content.push(h("section", { "aria-labelledby": "titre-evaluations" },
    h("h2", { id: "titre-evaluations" }, "Évaluation des domaines"),
    deciding
      ? dossier.programme.domains.map((d) => assessForm(dossier, d, assessed[d.code], refresh))
      : h("ul", {}, dossier.programme.domains.map((d) => h("li", {}, `${d.code} — ${d.title} : `,
        assessed[d.code] ? ASSESSMENT[assessed[d.code].outcome] : "pas encore évalué")))));
  content.push(h("section", { "aria-labelledby": "titre-decision" },
    h("h2", { id: "titre-decision" }, "Décision"),
    dossier.decision
      ? h("p", {}, h("strong", {}, DECISION[dossier.decision.outcome]), ` le ${formatDate(dossier.decision.decidedOn)}`,
        dossier.decision.validatedDomainCodes.length ? ` ; domaines validés : ${dossier.decision.validatedDomainCodes.join(", ")}` : "",
        dossier.decision.comment ? `. ${dossier.decision.comment}` : ".")
      : deciding ? decisionForm(dossier, assessed, refresh) : h("p", {}, "Pas encore de décision.")));
  if (["READY_FOR_JURY", "DECIDED"].includes(dossier.status)) content.push(bundleSection(dossier));
  return { title: "Jury", nodes: frame(viewer, dossier, "jury", "Jury", ...content) };
}
