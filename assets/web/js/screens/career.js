// Parcours: the experiences the candidate declares (what the admissibility and the coverage
// count) and the diplomas they hold (what most exemptions rest on).

import { allPages, gql, mutate } from "../api.js";
import { field, formatDate, formatMonths, h, notice, onSubmit, optional, showErrors } from "../dom.js";
import { EXPERIENCE_KIND } from "../labels.js";
import { editable, frame, loadDossier } from "./frame.js";

const EXPERIENCE = "id title organisation kind startDate endDate workingTimePercent description fteMonths";

async function experiences(id) {
  return allPages(async (after) => {
    const data = await gql(`query($id: ID!, $after: String) { dossier(id: $id) { experiences(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor } edges { node { ${EXPERIENCE} } } } } }`, { id, after });
    return data.dossier.experiences;
  });
}

function experienceFields(e = {}) {
  return [
    field({ label: "Fonction occupée", name: "title", required: true, value: e.title, attrs: { autocomplete: "organization-title" } }),
    field({ label: "Structure", name: "organisation", required: true, value: e.organisation, hint: "Employeur, association, collectivité…", attrs: { autocomplete: "organization" } }),
    field({ label: "Nature de l'activité", name: "kind", type: "select", required: true, value: e.kind || "SALARIED", options: Object.entries(EXPERIENCE_KIND) }),
    field({ label: "Date de début", name: "startDate", type: "date", required: true, value: e.startDate }),
    field({ label: "Date de fin", name: "endDate", type: "date", value: e.endDate, hint: "Laissez vide si l'activité continue." }),
    field({ label: "Temps de travail (%)", name: "workingTimePercent", type: "number", required: true, value: e.workingTimePercent ?? 100,
      hint: "100 pour un temps plein, 50 pour un mi-temps.", attrs: { min: "1", max: "100", inputmode: "numeric" } }),
    field({ label: "Description des missions", name: "description", type: "textarea", value: e.description, hint: "Ce que vous y faisiez : le jury et la recherche s'en servent." }),
  ];
}

function experienceInput(v) {
  const percent = Number.parseInt(v.workingTimePercent, 10);
  return {
    title: v.title ?? "",
    organisation: v.organisation ?? "",
    kind: v.kind,
    startDate: v.startDate,
    endDate: optional(v.endDate),
    workingTimePercent: Number.isNaN(percent) ? -1 : percent,
    description: optional(v.description),
  };
}

/** Required dates the browser left empty are named here: the API would only see a bad value. */
function missing(v, names) {
  return names.filter((n) => !optional(v[n])).map((n) => ({ field: [n], code: "BLANK" }));
}

function experienceCard(e, dossier, open, refresh) {
  const period = `${formatDate(e.startDate)} – ${e.endDate ? formatDate(e.endDate) : "en cours"}`;
  const card = h("li", { class: "card" },
    h("h3", {}, `${e.title} — ${e.organisation}`),
    h("p", { class: "meta" }, `${EXPERIENCE_KIND[e.kind]} · ${period} · ${e.workingTimePercent} % · ${formatMonths(e.fteMonths)} en équivalent temps plein`),
    e.description ? h("p", {}, e.description) : null);
  if (!open) return card;
  const edit = h("form", { novalidate: true, "aria-label": `Modifier ${e.title}` }, ...experienceFields(e),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Enregistrer les changements")));
  onSubmit(edit, async (v) => {
    const blanks = missing(v, ["title", "organisation", "startDate"]);
    if (blanks.length) return showErrors(edit, blanks);
    const payload = await mutate("updateExperience", "UpdateExperienceInput",
      { id: e.id, ...experienceInput(v), expectedVersion: dossier.version }, "experience { id }");
    if (payload.userErrors.length) return showErrors(edit, payload.userErrors);
    return refresh("Expérience modifiée.");
  });
  const remove = onSubmit(h("form", { novalidate: true },
    h("div", { class: "actions" }, h("button", { type: "submit", class: "danger" }, "Supprimer cette expérience", h("span", { class: "visually-hidden" }, ` : ${e.title}`)))),
  async () => {
    const payload = await mutate("deleteExperience", "DeleteInput", { id: e.id, expectedVersion: dossier.version }, "deletedId");
    if (payload.userErrors.length) return showErrors(remove, payload.userErrors);
    return refresh("Expérience supprimée.");
  });
  card.append(h("details", {}, h("summary", {}, "Modifier", h("span", { class: "visually-hidden" }, ` ${e.title}`)), edit), remove);
  return card;
}

export async function screen({ params, viewer, refresh }) {
  const dossier = await loadDossier(params[0], `qualifications { id code title level obtainedOn }
    priorValidations { id programmeCode domainCode validatedOn source verified }
    programme { domains { code title } }`);
  const list = await experiences(dossier.id);
  const open = editable(viewer, dossier);
  const content = [];
  content.push(h("section", { "aria-labelledby": "titre-experiences" },
    h("h2", { id: "titre-experiences" }, "Expériences"),
    list.length ? h("ul", { class: "plain" }, list.map((e) => experienceCard(e, dossier, open, refresh)))
      : h("p", {}, "Aucune expérience déclarée pour l'instant.")));
  if (open) {
    const form = h("form", { novalidate: true, "aria-labelledby": "titre-ajout-experience" },
      h("h3", { id: "titre-ajout-experience" }, "Ajouter une expérience"),
      h("p", { class: "meta" }, "Les champs marqués d'un astérisque (*) sont obligatoires."),
      ...experienceFields(),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Ajouter l'expérience")));
    content.push(onSubmit(form, async (v) => {
      const blanks = missing(v, ["title", "organisation", "startDate"]);
      if (blanks.length) return showErrors(form, blanks);
      const payload = await mutate("addExperience", "AddExperienceInput",
        { dossierId: dossier.id, ...experienceInput(v), expectedVersion: dossier.version }, "experience { id }");
      if (payload.userErrors.length) return showErrors(form, payload.userErrors);
      return refresh("Expérience ajoutée.");
    }));
  }
  const quals = dossier.qualifications;
  content.push(h("section", { "aria-labelledby": "titre-diplomes" },
    h("h2", { id: "titre-diplomes" }, "Diplômes et certifications"),
    quals.length ? h("ul", { class: "plain" }, quals.map((q) => h("li", { class: "card" },
      h("h3", {}, `${q.code} — ${q.title}`),
      h("p", { class: "meta" }, [q.level ? `Niveau ${q.level}` : null, q.obtainedOn ? `obtenu le ${formatDate(q.obtainedOn)}` : null].filter(Boolean).join(" · ")))))
      : h("p", {}, "Aucun diplôme déclaré. Un diplôme du travail social (CAFERUIS, DSTS, CAFDES…) peut ouvrir des dispenses.")));
  if (open) {
    const form = h("form", { novalidate: true, "aria-labelledby": "titre-ajout-diplome" },
      h("h3", { id: "titre-ajout-diplome" }, "Ajouter un diplôme"),
      field({ label: "Code du diplôme", name: "code", required: true, hint: "Par exemple CAFERUIS, DSTS, CAFDES, DEES, DEASS, MASTER.",
        attrs: { list: "codes-diplomes", autocapitalize: "characters" } }),
      h("datalist", { id: "codes-diplomes" }, ["CAFERUIS", "CAFDES", "DSTS", "DEES", "DEASS", "DEEJE", "DECESF", "DE_INFIRMIER", "MASTER"].map((c) => h("option", { value: c }))),
      field({ label: "Intitulé", name: "title", required: true }),
      field({ label: "Niveau (1 à 8)", name: "level", type: "number", attrs: { min: "1", max: "8", inputmode: "numeric" } }),
      field({ label: "Date d'obtention", name: "obtainedOn", type: "date" }),
      field({ label: "Version du référentiel", name: "version", hint: "Facultative, par exemple 2004 ou 2022 pour le CAFERUIS : certaines dispenses en dépendent." }),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Ajouter le diplôme")));
    content.push(onSubmit(form, async (v) => {
      const blanks = missing(v, ["code", "title"]);
      if (blanks.length) return showErrors(form, blanks);
      const level = optional(v.level);
      const payload = await mutate("addQualification", "AddQualificationInput", {
        dossierId: dossier.id, code: v.code.trim().toUpperCase(), title: v.title,
        level: level === null ? null : Number.parseInt(level, 10), obtainedOn: optional(v.obtainedOn), version: optional(v.version),
      }, "qualification { id }");
      if (payload.userErrors.length) return showErrors(form, payload.userErrors);
      return refresh("Diplôme ajouté : déposez-en une copie dans Preuves pour justifier les dispenses.");
    }));
  }
  content.push(priorValidations(dossier, open, refresh));
  if (!open) content.unshift(notice("", h("p", {}, "Le parcours se modifie tant que le dossier est un brouillon de son candidat ou de sa candidate.")));
  return { title: "Parcours", nodes: frame(viewer, dossier, "parcours", "Parcours", ...content) };
}

/** Domains validated earlier (a jury's relevé de décisions): they are dispensed here. */
function priorValidations(dossier, open, refresh) {
  const list = dossier.priorValidations;
  const titles = Object.fromEntries(dossier.programme.domains.map((d) => [d.code, d.title]));
  const section = h("section", { "aria-labelledby": "titre-validations" },
    h("h2", { id: "titre-validations" }, "Domaines déjà validés"),
    list.length ? h("ul", { class: "plain" }, list.map((v) => h("li", { class: "card" },
      h("h3", {}, `${v.programmeCode} ${v.domainCode}${titles[v.domainCode] ? ` — ${titles[v.domainCode]}` : ""}`),
      h("p", { class: "meta" }, `Validé le ${formatDate(v.validatedOn)} · ${v.source} · `,
        v.verified ? h("span", { class: "badge ok" }, "Enregistré par un jury d'Acquis") : h("span", { class: "badge warn" }, "Déclaré : joignez le relevé de décisions")))))
      : h("p", {}, "Aucun domaine validé auparavant."));
  if (!open) return section;
  const form = h("form", { novalidate: true, "aria-labelledby": "titre-ajout-validation" },
    h("h3", { id: "titre-ajout-validation" }, "Déclarer un domaine validé lors d'une précédente VAE ou formation"),
    field({ label: "Domaine", name: "domainCode", type: "select", required: true,
      options: dossier.programme.domains.map((d) => [d.code, `${d.code} — ${d.title}`]) }),
    field({ label: "Date de validation", name: "validatedOn", type: "date", required: true }),
    field({ label: "Par qui", name: "source", required: true, hint: "Par exemple « Jury DEIS, DREETS Île-de-France »." }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Déclarer la validation")));
  section.append(onSubmit(form, async (v) => {
    const blanks = missing(v, ["validatedOn", "source"]);
    if (blanks.length) return showErrors(form, blanks);
    const payload = await mutate("addPriorValidation", "AddPriorValidationInput", {
      dossierId: dossier.id, programmeCode: dossier.programme.code, domainCode: v.domainCode,
      validatedOn: v.validatedOn, source: v.source.trim(),
    }, "dossier { id }");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    return refresh("Validation déclarée : déposez le relevé de décisions dans Preuves pour la justifier.");
  }));
  return section;
}
