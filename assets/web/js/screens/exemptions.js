// Dispenses et allègements: every flag the profile raises, with its condition, its legal
// reference, the hours at stake, what proof is missing, and the advisor's recommendation.

import { mutate } from "../api.js";
import { choices, field, h, notice, onSubmit, optional, showErrors } from "../dom.js";
import { EXEMPTION_KIND, FLAG_STATUS, RECOMMENDATION } from "../labels.js";
import { frame, has, loadDossier } from "./frame.js";

const FIELDS = `exemptions { status explanation missingEvidence minHoursReduced maxHoursReduced recommendation recommendationRationale
    rule { id kind domainCode unitCodes condition legalReference discretionary reviewReason requiredEvidence } }
  exemptionTotals { minHoursReduced maxHoursReduced justifiedMinHours justifiedMaxHours dispensedDomainCodes }`;

function hours(min, max) {
  return min === max ? `${min} h` : `${min} à ${max} h`;
}

function recommendForm(dossier, flag, refresh) {
  const form = h("form", { novalidate: true, "aria-label": `Recommandation sur ${flag.rule.id}` },
    choices({ legend: "Votre recommandation", name: "recommendation", inline: true, required: true, value: flag.recommendation,
      options: [["RECOMMEND", "Recommander"], ["DO_NOT_RECOMMEND", "Ne pas recommander"]] }),
    field({ label: "Motif", name: "rationale", type: "textarea", required: true, value: flag.recommendationRationale,
      hint: "Lu par le jury et par le candidat ou la candidate." }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Enregistrer la recommandation")));
  return onSubmit(form, async (v) => {
    const blanks = [];
    if (!v.recommendation) blanks.push({ field: ["recommendation"], code: "BLANK" });
    if (!optional(v.rationale)) blanks.push({ field: ["rationale"], code: "BLANK" });
    if (blanks.length) return showErrors(form, blanks);
    const payload = await mutate("recommendExemption", "RecommendExemptionInput",
      { dossierId: dossier.id, ruleId: flag.rule.id, recommendation: v.recommendation, rationale: v.rationale.trim() }, "dossier { id }");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    return refresh("Recommandation enregistrée.");
  });
}

export async function screen({ params, viewer, refresh }) {
  const dossier = await loadDossier(params[0], FIELDS);
  const t = dossier.exemptionTotals;
  const advisor = has(viewer, "ADVISOR") && viewer.subject !== dossier.candidate.subject
    && !["DECIDED", "WITHDRAWN", "NOT_ADMISSIBLE"].includes(dossier.status);
  const content = [
    h("p", { class: "lede" }, "Ce que vos diplômes et validations antérieures peuvent vous éviter. Rien n'est acquis avant l'avis de votre conseiller et la décision de l'établissement ou du jury."),
    h("p", {}, t.maxHoursReduced > 0
      ? `En tout : ${hours(t.minHoursReduced, t.maxHoursReduced)} de formation en moins, dont ${hours(t.justifiedMinHours, t.justifiedMaxHours)} déjà justifiées.`
      : "Aucune dispense ni aucun allègement pour l'instant."),
  ];
  if (!dossier.exemptions.length) {
    content.push(notice("", h("p", {}, "Déclarez vos diplômes dans le parcours et déposez-en une copie : les dispenses qu'ils ouvrent apparaîtront ici.")));
  }
  for (const flag of dossier.exemptions) {
    const rule = flag.rule;
    const [label, tone] = FLAG_STATUS[flag.status];
    const id = `regle-${(rule?.id || "x").replace(/[^a-z0-9]/gi, "-")}`;
    content.push(h("article", { class: "card", "aria-labelledby": id },
      h("h2", { id }, `${EXEMPTION_KIND[rule?.kind] || "Règle"} — ${rule?.domainCode || ""}${rule?.unitCodes.length ? ` (${rule.unitCodes.join(", ")})` : ""}`),
      h("p", {}, h("span", { class: `badge ${tone}` }, label), " ",
        flag.status !== "JUSTIFIED" ? "" : h("span", { class: "meta" }, "à confirmer par votre conseiller")),
      h("p", {}, flag.explanation),
      h("dl", { class: "facts" },
        rule ? [h("dt", {}, "Condition"), h("dd", {}, rule.condition)] : null,
        rule ? [h("dt", {}, "Référence"), h("dd", {}, rule.legalReference)] : null,
        [h("dt", {}, "Heures en moins"), h("dd", {}, hours(flag.minHoursReduced, flag.maxHoursReduced))],
        rule ? [h("dt", {}, "Preuve attendue"), h("dd", {}, rule.requiredEvidence)] : null,
        rule?.discretionary ? [h("dt", {}, "Nature"), h("dd", {}, "Accordée par l'établissement, pas de droit")] : null,
        flag.recommendation ? [h("dt", {}, "Avis du conseiller"), h("dd", {}, RECOMMENDATION[flag.recommendation], flag.recommendationRationale ? ` : « ${flag.recommendationRationale} »` : "")] : null),
      flag.missingEvidence.length ? notice("warning", h("p", {}, "Il manque :"), h("ul", {}, flag.missingEvidence.map((m) => h("li", {}, m)))) : null,
      rule?.reviewReason ? notice("warning", h("p", {}, "À examiner : ", rule.reviewReason)) : null,
      advisor && rule ? recommendForm(dossier, flag, refresh) : null));
  }
  return { title: "Dispenses et allègements", nodes: frame(viewer, dossier, "dispenses", "Dispenses et allègements", ...content) };
}
