// Correspondance avec le référentiel: which competences each experience claims (with the
// candidate's own assessment), which competences each file supports, and the advisor's
// opinion on every claim.

import { allPages, gql, mutate } from "../api.js";
import { choices, field, h, notice, onSubmit, optional, showErrors, uid } from "../dom.js";
import { SELF_ASSESSMENT } from "../labels.js";
import { files } from "./evidence.js";
import { editable, frame, has, loadDossier } from "./frame.js";

const DOMAINS = "programme { domains { code title competences { code title indicators } } }";

async function experiences(id) {
  return allPages(async (after) => {
    const data = await gql(`query($id: ID!, $after: String) { dossier(id: $id) { experiences(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id title organisation claims { competence { code } selfAssessment justification advisorAgrees advisorComment } } } } } }`,
    { id, after });
    return data.dossier.experiences;
  });
}

function withChildren(element, ...children) {
  element.append(...children);
  return element;
}

function claimsForm(experience, domains, refresh) {
  const claimed = Object.fromEntries(experience.claims.map((c) => [c.competence.code, c]));
  const form = h("form", { novalidate: true, "aria-label": `Compétences de ${experience.title}` },
    domains.map((d) => h("fieldset", {},
      h("legend", {}, `${d.code} — ${d.title}`),
      d.competences.map((c) => {
        const id = uid("revendique");
        const claim = claimed[c.code];
        // The details of a claim show once it is claimed, so a long referential stays readable.
        const details = h("div", { class: "claim-details", id: `${id}-details`, hidden: !claim });
        const box = h("input", { type: "checkbox", id, name: "claim", value: c.code, checked: Boolean(claim),
          "aria-controls": `${id}-details`, on: { change: () => { details.hidden = !box.checked; } } });
        return h("div", { class: "claim" },
          h("div", { class: "choice" }, box,
            h("label", { for: id }, h("strong", {}, c.code), ` — ${c.title}`)),
          withChildren(details,
            field({ label: `Votre niveau pour ${c.code}`, name: `niveau-${c.code}`, type: "select", value: claim?.selfAssessment || "ACQUIRED",
              options: Object.entries(SELF_ASSESSMENT) }),
            field({ label: `Ce qui le montre (${c.code})`, name: `justification-${c.code}`, value: claim?.justification,
              hint: "Facultatif : une situation, une réalisation." })));
      }))),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Enregistrer les compétences", h("span", { class: "visually-hidden" }, ` de ${experience.title}`))));
  return onSubmit(form, async (v) => {
    const codes = [].concat(v.claim || []);
    const claims = codes.map((code) => ({
      competenceCode: code,
      selfAssessment: v[`niveau-${code}`],
      justification: optional(v[`justification-${code}`]),
    }));
    const payload = await mutate("claimCompetences", "ClaimCompetencesInput", { experienceId: experience.id, claims }, "experience { id }");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    return refresh(`${codes.length} compétence${codes.length > 1 ? "s" : ""} revendiquée${codes.length > 1 ? "s" : ""} pour « ${experience.title} ».`);
  });
}

function fileForm(file, domains, refresh) {
  const supported = new Set(file.competences.map((c) => c.code));
  const form = h("form", { novalidate: true, "aria-label": `Compétences appuyées par ${file.title}` },
    h("fieldset", { "data-group": "competenceCodes", "data-error-id": `erreur-${file.id}` },
      h("legend", {}, `« ${file.title} » montre…`),
      h("p", { class: "error-text", id: `erreur-${file.id}`, hidden: true }),
      domains.map((d) => h("div", {},
        h("p", { class: "meta" }, `${d.code} — ${d.title}`),
        d.competences.map((c) => {
          const id = uid("appuie");
          return h("div", { class: "choice" },
            h("input", { type: "checkbox", id, name: "competenceCodes", value: c.code, checked: supported.has(c.code) }),
            h("label", { for: id }, h("strong", {}, c.code), ` — ${c.title}`));
        })))),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Enregistrer", h("span", { class: "visually-hidden" }, ` les compétences de ${file.title}`))));
  return onSubmit(form, async (v) => {
    const competenceCodes = [].concat(v.competenceCodes || []);
    const payload = await mutate("linkEvidence", "LinkEvidenceInput", { evidenceId: file.id, competenceCodes }, "evidence { id }");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    return refresh(`« ${file.title} » appuie ${competenceCodes.length} compétence${competenceCodes.length > 1 ? "s" : ""}.`);
  });
}

function reviewForm(experience, claim, refresh) {
  const code = claim.competence.code;
  const form = h("form", { novalidate: true, "aria-label": `Avis sur ${code} pour ${experience.title}` },
    choices({ legend: `Avis sur ${code}`, name: "agrees", inline: true, required: true,
      value: claim.advisorAgrees === null ? null : String(claim.advisorAgrees),
      options: [["true", "D'accord"], ["false", "Pas d'accord"]] }),
    field({ label: `Commentaire sur ${code}`, name: "comment", value: claim.advisorComment }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Enregistrer l'avis", h("span", { class: "visually-hidden" }, ` sur ${code}`))));
  return onSubmit(form, async (v) => {
    if (!v.agrees) return showErrors(form, [{ field: ["agrees"], code: "BLANK" }]);
    const payload = await mutate("reviewClaim", "ReviewClaimInput",
      { experienceId: experience.id, competenceCode: code, agrees: v.agrees === "true", comment: optional(v.comment) }, "experience { id }");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    return refresh(`Avis enregistré sur ${code}.`);
  });
}

function claimSummary(claim, titles) {
  const review = claim.advisorAgrees === null ? "pas encore d'avis du conseiller"
    : claim.advisorAgrees ? "le conseiller est d'accord" : "le conseiller n'est pas d'accord";
  return [h("strong", {}, claim.competence.code), ` — ${titles[claim.competence.code] || ""} : ${SELF_ASSESSMENT[claim.selfAssessment].toLowerCase()}`,
    claim.justification ? ` (« ${claim.justification} »)` : "", ` ; ${review}`,
    claim.advisorComment ? ` : « ${claim.advisorComment} »` : "", "."];
}

export async function screen({ params, viewer, refresh }) {
  const dossier = await loadDossier(params[0], DOMAINS);
  const domains = dossier.programme.domains;
  const titles = Object.fromEntries(domains.flatMap((d) => d.competences.map((c) => [c.code, c.title])));
  const [list, evidence] = await Promise.all([experiences(dossier.id), files(dossier.id)]);
  const open = editable(viewer, dossier);
  const reviewer = has(viewer, "ADVISOR") && viewer.subject !== dossier.candidate.subject
    && !["DECIDED", "WITHDRAWN", "NOT_ADMISSIBLE"].includes(dossier.status);
  const content = [h("p", { class: "lede" }, "Pour chaque expérience, les compétences du référentiel qu'elle vous a permis d'exercer ; pour chaque fichier, celles qu'il prouve.")];
  content.push(h("h2", {}, "Expériences"));
  if (!list.length) content.push(h("p", {}, "Aucune expérience déclarée : commencez par le parcours."));
  for (const experience of list) {
    content.push(h("section", { class: "card", "aria-label": experience.title },
      h("h3", {}, `${experience.title} — ${experience.organisation}`),
      open ? claimsForm(experience, domains, refresh)
        : experience.claims.length
          ? h("ul", {}, experience.claims.map((claim) => h("li", {}, ...claimSummary(claim, titles),
            reviewer ? reviewForm(experience, claim, refresh) : null)))
          : h("p", {}, "Aucune compétence revendiquée.")));
  }
  content.push(h("h2", {}, "Fichiers"));
  if (!evidence.length) content.push(h("p", {}, "Aucun fichier déposé."));
  for (const file of evidence) {
    content.push(h("section", { class: "card", "aria-label": file.title },
      h("h3", {}, file.title),
      open ? fileForm(file, domains, refresh)
        : h("p", {}, file.competences.length ? `Appuie ${file.competences.map((c) => c.code).join(", ")}.` : "N'appuie aucune compétence.")));
  }
  if (!open && !reviewer) content.unshift(notice("", h("p", {}, "Lecture seule : la correspondance se modifie tant que le dossier est un brouillon.")));
  return { title: "Correspondance avec le référentiel", nodes: frame(viewer, dossier, "correspondance", "Correspondance avec le référentiel", ...content) };
}
