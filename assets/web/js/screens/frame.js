// What every screen of a dossier shares: its heading, where it is on its path, and the menu
// of its screens.

import { ApiError, gql } from "../api.js";
import { h, heading } from "../dom.js";
import { PATH, STATUS } from "../labels.js";

export const HEAD = "id status version programme { code title version } candidate { subject displayName }";

const SECTIONS = [
  ["", "Vue d'ensemble"],
  ["parcours", "Parcours"],
  ["preuves", "Preuves"],
  ["correspondance", "Correspondance avec le référentiel"],
  ["couverture", "Couverture"],
  ["dispenses", "Dispenses et allègements"],
  ["jury", "Jury", (viewer) => has(viewer, "JURY") || has(viewer, "ADMIN")],
];

export function has(viewer, role) {
  return Boolean(viewer && viewer.roles.includes(role));
}

/** The candidate owns the dossier and it is still a draft: the only time it is edited. */
export function editable(viewer, dossier) {
  return dossier.status === "DRAFT" && viewer.subject === dossier.candidate.subject;
}

/** Loads `dossier(id)` with the head fields and `fields`; throws NOT_FOUND when unreadable. */
export async function loadDossier(id, fields, variables = {}, extraArgs = "") {
  const data = await gql(`query($id: ID!${extraArgs}) { dossier(id: $id) { ${HEAD} ${fields} } }`, { id, ...variables });
  if (!data.dossier) throw new ApiError("NOT_FOUND");
  return data.dossier;
}

export function statusBadge(status) {
  const tone = { DECIDED: "ok", ADMISSIBLE: "ok", READY_FOR_JURY: "ok", NOT_ADMISSIBLE: "bad", WITHDRAWN: "neutral" }[status] || "warn";
  return h("span", { class: `badge ${tone}` }, STATUS[status] || status);
}

/** Heading, path and menu, then `content`. `section` is the current screen's path part. */
export function frame(viewer, dossier, section, title, ...content) {
  const base = `/app/dossiers/${encodeURIComponent(dossier.id)}`;
  const who = dossier.candidate.displayName || dossier.candidate.subject;
  const reached = PATH.indexOf(dossier.status);
  return [
    h("p", { class: "meta" }, h("a", { href: "/app/" }, "Dossiers"), " › ", dossier.programme.code),
    heading(title, h("span", { class: "visually-hidden" }, ` — dossier ${dossier.programme.code}`)),
    h("p", { class: "meta" },
      `${dossier.programme.code} — ${dossier.programme.title} (référentiel ${dossier.programme.version})`,
      viewer.subject === dossier.candidate.subject ? null : ` · ${who}`, " · ", statusBadge(dossier.status)),
    reached >= 0
      ? h("ol", { class: "path", "aria-label": "Étapes du parcours" },
        PATH.map((step, index) => h("li", { "aria-current": index === reached ? "step" : null },
          STATUS[step], index < reached ? h("span", { class: "visually-hidden" }, " (fait)") : null)))
      : null,
    reached >= 0 ? h("p", { class: "path-short meta" }, `Étape ${reached + 1} sur ${PATH.length}`) : null,
    h("nav", { class: "steps", "aria-label": "Écrans du dossier" },
      h("ul", {}, SECTIONS.filter(([, , visible]) => !visible || visible(viewer)).map(([path, label]) =>
        h("li", {}, h("a", { href: path ? `${base}/${path}` : base, "aria-current": path === section ? "page" : null }, label))))),
    ...content,
  ];
}
