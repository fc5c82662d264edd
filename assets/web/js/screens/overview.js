// A dossier at a glance: where it is, whether it is admissible and why, what the exemptions
// add up to, the decision, and the actions the viewer may take at this step.

import { mutate } from "../api.js";
import { choices, field, formatDate, formatMonths, h, notice, onSubmit, optional, showErrors } from "../dom.js";
import { DECISION, STATUS } from "../labels.js";
import { editable, frame, has, loadDossier } from "./frame.js";

const FIELDS = `statusComment applicationDate updatedAt endedOn retainedUntil restrictedOn
  eligibility { regime admissible relevantFteMonths requiredFteMonths reasons needsReview reviewNotes legalReference }
  exemptionTotals { minHoursReduced maxHoursReduced justifiedMinHours justifiedMaxHours dispensedDomainCodes }
  exemptions { status }
  decision { outcome validatedDomainCodes decidedOn comment }
  experiences(first: 1) { totalCount }
  evidence(first: 1) { totalCount }
  coverage { competences { status } }`;

const FINAL = ["DECIDED", "WITHDRAWN", "NOT_ADMISSIBLE"];

function transition(name, dossier, refresh, message) {
  return async () => {
    const payload = await mutate(name, "DossierTransitionInput",
      { dossierId: dossier.id, expectedVersion: dossier.version }, "dossier { id }");
    return payload.userErrors.length ? payload.userErrors : refresh(message);
  };
}

function actionForm(label, run, { danger = false, intro = null } = {}) {
  const form = h("form", { novalidate: true }, intro,
    h("div", { class: "actions" }, h("button", { type: "submit", class: danger ? "danger" : null }, label)));
  return onSubmit(form, async () => {
    const errors = await run();
    if (Array.isArray(errors) && errors.length) showErrors(form, errors);
  });
}

function eligibilityCard(e) {
  return h("section", { class: "card", "aria-labelledby": "titre-recevabilite" },
    h("h2", { id: "titre-recevabilite" }, "Recevabilité de la demande"),
    h("p", {}, h("span", { class: `badge ${e.admissible ? "ok" : "bad"}` }, e.admissible ? "Recevable" : "Pas encore recevable"),
      e.needsReview ? h("span", { class: "badge warn" }, " Provisoire : à confirmer par votre conseiller") : null),
    h("p", {}, `Expérience retenue : ${formatMonths(e.relevantFteMonths)} en équivalent temps plein ; `,
      e.requiredFteMonths > 0 ? `il en faut ${formatMonths(e.requiredFteMonths)}.` : "aucune durée minimale n'est exigée.",
      ` (règles de ${e.regime})`),
    h("ul", {}, e.reasons.map((r) => h("li", {}, r))),
    e.needsReview && e.reviewNotes.length
      ? notice("warning", h("p", {}, "À vérifier par votre conseiller :"), h("ul", {}, e.reviewNotes.map((n) => h("li", {}, n))))
      : null,
    e.legalReference ? h("p", { class: "meta" }, "Référence : ", e.legalReference) : null);
}

function progressCards(dossier, base) {
  const competences = dossier.coverage.flatMap((d) => d.competences);
  const proven = competences.filter((c) => c.status === "EVIDENCED").length;
  const justified = dossier.exemptions.filter((f) => f.status === "JUSTIFIED").length;
  const tile = (path, title, text) => h("li", { class: "card" },
    h("h3", {}, h("a", { href: `${base}/${path}` }, title)), h("p", {}, text));
  return h("section", { "aria-labelledby": "titre-etapes" },
    h("h2", { id: "titre-etapes" }, "Votre dossier pas à pas"),
    h("ol", { class: "grid plain" },
      tile("parcours", "1. Parcours", `${dossier.experiences.totalCount} expérience${dossier.experiences.totalCount > 1 ? "s" : ""} déclarée${dossier.experiences.totalCount > 1 ? "s" : ""}.`),
      tile("preuves", "2. Preuves", `${dossier.evidence.totalCount} fichier${dossier.evidence.totalCount > 1 ? "s" : ""} déposé${dossier.evidence.totalCount > 1 ? "s" : ""}.`),
      tile("correspondance", "3. Correspondance avec le référentiel", `${proven} compétence${proven > 1 ? "s" : ""} sur ${competences.length} appuyée${proven > 1 ? "s" : ""} par une preuve.`),
      tile("dispenses", "4. Dispenses possibles", `${justified} dispense${justified > 1 ? "s" : ""} ou allègement${justified > 1 ? "s" : ""} justifié${justified > 1 ? "s" : ""}, à confirmer par votre conseiller.`)));
}

function candidateActions(dossier, refresh) {
  const nodes = [];
  if (dossier.status === "DRAFT") {
    nodes.push(actionForm("Envoyer mon dossier", transition("submitDossier", dossier, refresh, "Votre dossier est envoyé : l'administration examine sa recevabilité."),
      { intro: h("p", {}, "Une fois envoyé, le dossier ne se modifie plus ; votre conseiller et le jury le lisent.") }));
  }
  if (!FINAL.includes(dossier.status)) {
    nodes.push(h("details", {}, h("summary", {}, "Retirer mon dossier"),
      actionForm("Confirmer le retrait", transition("withdrawDossier", dossier, refresh, "Votre dossier est retiré."),
        { danger: true, intro: h("p", {}, "Le retrait met fin au parcours de ce dossier. Il reste lisible, sans pouvoir être repris.") })));
  }
  return nodes;
}

function adminActions(dossier, refresh) {
  const nodes = [];
  if (dossier.status === "SUBMITTED") {
    const form = h("form", { novalidate: true },
      choices({ legend: "Décision de recevabilité", name: "admissible", required: true, inline: true,
        options: [["true", "Recevable"], ["false", "Non recevable"]] }),
      field({ label: "Commentaire", name: "comment", type: "textarea", hint: "Lu par le candidat ou la candidate." }),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Enregistrer la recevabilité")));
    nodes.push(onSubmit(form, async ({ admissible, comment }) => {
      if (!admissible) return showErrors(form, [{ field: ["admissible"], code: "BLANK" }]);
      const payload = await mutate("decideAdmissibility", "DecideAdmissibilityInput",
        { dossierId: dossier.id, admissible: admissible === "true", comment: optional(comment) }, "dossier { id }");
      if (payload.userErrors.length) return showErrors(form, payload.userErrors);
      return refresh(admissible === "true" ? "Le dossier est déclaré recevable." : "Le dossier est déclaré non recevable.");
    }));
  }
  if (!FINAL.includes(dossier.status)) {
    for (const [name, label, done] of [
      ["assignAdvisor", "Affecter un conseiller ou une conseillère", "Conseiller ou conseillère affecté."],
      ["assignJuryMember", "Affecter un membre du jury", "Membre du jury affecté."],
    ]) {
      const form = h("form", { novalidate: true, "aria-label": label },
        field({ label, name: "subject", required: true, hint: "Son identifiant de connexion." }),
        h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Affecter")));
      nodes.push(onSubmit(form, async ({ subject }) => {
        if (!optional(subject)) return showErrors(form, [{ field: ["subject"], code: "BLANK" }]);
        const payload = await mutate(name, "AssignInput", { dossierId: dossier.id, subject: subject.trim() }, "dossier { id }");
        if (payload.userErrors.length) return showErrors(form, payload.userErrors);
        return refresh(done);
      }));
    }
  }
  return nodes;
}

export async function screen({ params, viewer, refresh }) {
  const dossier = await loadDossier(params[0], FIELDS);
  const base = `/app/dossiers/${encodeURIComponent(dossier.id)}`;
  const owner = viewer.subject === dossier.candidate.subject;
  const actions = [];
  if (owner) actions.push(...candidateActions(dossier, refresh));
  if (has(viewer, "ADMIN")) actions.push(...adminActions(dossier, refresh));
  if (has(viewer, "ADVISOR") && dossier.status === "ADMISSIBLE") {
    actions.push(actionForm("Transmettre au jury", transition("markReadyForJury", dossier, refresh, "Le dossier est transmis au jury."),
      { intro: h("p", {}, "Le jury lira le dossier avec vos avis sur les compétences et les dispenses.") }));
  }
  const t = dossier.exemptionTotals;
  const content = [
    dossier.statusComment ? notice("", h("p", {}, "Commentaire de recevabilité : ", dossier.statusComment)) : null,
    dossier.restrictedOn ? notice("warning", h("p", {}, `Traitement limité depuis le ${formatDate(dossier.restrictedOn)} : le dossier ne change plus.`)) : null,
    dossier.decision
      ? h("section", { class: "card", "aria-labelledby": "titre-decision" },
        h("h2", { id: "titre-decision" }, "Décision du jury"),
        h("p", {}, h("strong", {}, DECISION[dossier.decision.outcome]), ` le ${formatDate(dossier.decision.decidedOn)}`),
        dossier.decision.validatedDomainCodes.length ? h("p", {}, "Domaines validés : ", dossier.decision.validatedDomainCodes.join(", ")) : null,
        dossier.decision.comment ? h("p", {}, dossier.decision.comment) : null)
      : null,
    owner && editable(viewer, dossier) ? progressCards(dossier, base) : null,
    eligibilityCard(dossier.eligibility),
    h("section", { class: "card", "aria-labelledby": "titre-totaux" },
      h("h2", { id: "titre-totaux" }, "Dispenses et allègements"),
      h("p", {}, t.maxHoursReduced > 0
        ? `Votre profil pourrait réduire la formation de ${t.minHoursReduced} à ${t.maxHoursReduced} heures, dont ${t.justifiedMinHours} à ${t.justifiedMaxHours} heures déjà justifiées par vos preuves.`
        : "Aucune dispense ni aucun allègement ne ressort pour l'instant de votre profil."),
      t.dispensedDomainCodes.length ? h("p", {}, "Domaines qui pourraient être dispensés : ", t.dispensedDomainCodes.join(", ")) : null,
      h("p", {}, h("a", { href: `${base}/dispenses` }, "Voir le détail et les références"))),
    actions.length ? h("section", { "aria-labelledby": "titre-actions" }, h("h2", { id: "titre-actions" }, "Actions"), ...actions) : null,
    h("p", { class: "meta" }, `Dernière modification le ${formatDate(dossier.updatedAt)}.`,
      dossier.retainedUntil ? ` Données conservées jusqu'au ${formatDate(dossier.retainedUntil)}.` : ""),
  ];
  const title = STATUS[dossier.status] ? "Vue d'ensemble" : "Dossier";
  return { title, nodes: frame(viewer, dossier, "", title, ...content) };
}
