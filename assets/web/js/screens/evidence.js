// Preuves: the files of the dossier, and the form that uploads one with a progress bar. The
// type is decided by the service from the bytes; the form only says what it accepts.

import { allPages, gql, mutate } from "../api.js";
import { settings } from "../auth.js";
import { field, formatBytes, formatDate, h, notice, onSubmit, optional, scrollTable, showErrors } from "../dom.js";
import { EVIDENCE_KIND } from "../labels.js";
import { uploadEvidence } from "../upload.js";
import { editable, frame, loadDossier } from "./frame.js";

const ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.odt,.ods,.docx,.xlsx,.txt,application/pdf,image/jpeg,image/png,image/webp";

/** Signed links live a few minutes: an older list is reloaded before a file is opened. */
const LINK_FRESH_MS = 4 * 60 * 1000;

export async function files(id) {
  return allPages(async (after) => {
    const data = await gql(`query($id: ID!, $after: String) { dossier(id: $id) { evidence(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id kind title fileName contentType size sha256 uploadedAt downloadUrl experienceIds qualificationIds competences { code } } } } } }`,
    { id, after });
    return data.dossier.evidence;
  });
}

/** A link that opens the file in a new tab; past the links' lifetime it asks for a new one first. */
export function openLink(file, loadedAt, reload) {
  return h("a", { href: file.downloadUrl, target: "_blank", rel: "noopener", on: { click: async (event) => {
    if (Date.now() - loadedAt < LINK_FRESH_MS) return;
    event.preventDefault();
    const fresh = await reload(file.id);
    if (fresh) window.open(fresh, "_blank", "noopener");
  } } }, "Ouvrir", h("span", { class: "visually-hidden" }, ` ${file.title} (nouvel onglet)`));
}

export async function screen({ params, viewer, refresh }) {
  const dossier = await loadDossier(params[0], `qualifications { id code title }
    priorValidations { id programmeCode domainCode validatedOn }
    experiences(first: 100) { edges { node { id title organisation } } }`);
  const list = await files(dossier.id);
  const loadedAt = Date.now();
  const reload = async (fileId) => (await files(dossier.id)).find((f) => f.id === fileId)?.downloadUrl;
  const experiences = dossier.experiences.edges.map((e) => e.node);
  const titleOf = Object.fromEntries([
    ...experiences.map((e) => [e.id, e.title]),
    ...dossier.qualifications.map((q) => [q.id, `${q.code} — ${q.title}`]),
  ]);
  const open = editable(viewer, dossier);
  const content = [];
  content.push(h("section", { "aria-labelledby": "titre-fichiers" },
    h("h2", { id: "titre-fichiers" }, "Fichiers déposés"),
    list.length
      ? scrollTable("Fichiers déposés", h("table", { class: "stack" },
        h("caption", { class: "visually-hidden" }, "Fichiers déposés"),
        h("thead", {}, h("tr", {}, ["Titre", "Nature", "Fichier", "Preuve de", "Compétences", "Déposé le", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, list.map((f) => h("tr", {},
          h("td", { "data-label": "Titre" }, f.title),
          h("td", { "data-label": "Nature" }, EVIDENCE_KIND[f.kind] || f.kind),
          h("td", { "data-label": "Fichier" }, `${f.fileName} (${formatBytes(f.size)})`),
          h("td", { "data-label": "Preuve de" }, [...f.experienceIds, ...f.qualificationIds].map((id) => titleOf[id]).filter(Boolean).join(", ") || "—"),
          h("td", { "data-label": "Compétences" }, f.competences.map((c) => c.code).join(", ") || "—"),
          h("td", { "data-label": "Déposé le" }, formatDate(f.uploadedAt)),
          h("td", {}, openLink(f, loadedAt, reload),
            open ? deleteButton(f, dossier, refresh) : null))))))
      : h("p", {}, "Aucun fichier pour l'instant.")));
  if (open) content.push(await uploadForm(dossier, experiences, refresh));
  else content.unshift(notice("", h("p", {}, "Les fichiers se déposent tant que le dossier est un brouillon de son candidat ou de sa candidate.")));
  return { title: "Preuves", nodes: frame(viewer, dossier, "preuves", "Preuves", ...content) };
}

function deleteButton(file, dossier, refresh) {
  const form = h("form", { novalidate: true, class: "inline" },
    h("button", { type: "submit", class: "secondary" }, "Supprimer", h("span", { class: "visually-hidden" }, ` ${file.title}`)));
  return onSubmit(form, async () => {
    const payload = await mutate("deleteEvidence", "DeleteInput", { id: file.id, expectedVersion: dossier.version }, "deletedId");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    return refresh("Fichier supprimé.");
  });
}

async function uploadForm(dossier, experiences, refresh) {
  const { maxUploadBytes } = await settings();
  const progress = h("progress", { max: "100", value: "0", id: "progression-envoi", "aria-labelledby": "etat-envoi" });
  const status = h("p", { class: "upload-status", id: "etat-envoi" }, "Envoi : aucun fichier en cours.");
  const holder = h("div", { hidden: true }, status, progress);
  const form = h("form", { novalidate: true, "aria-labelledby": "titre-depot" },
    h("h2", { id: "titre-depot" }, "Déposer une preuve"),
    field({ label: "Fichier", name: "file", type: "file", required: true, attrs: { accept: ACCEPT },
      hint: `PDF, image (JPEG, PNG, WebP), document ou tableur (ODT, ODS, DOCX, XLSX) ou texte ; ${formatBytes(maxUploadBytes)} au plus.` }),
    field({ label: "Titre", name: "title", required: true, hint: "Ce que le jury lira, par exemple « Attestation d'employeur 2016-2024 »." }),
    field({ label: "Nature du document", name: "kind", type: "select", required: true, value: "EMPLOYER_CERTIFICATE", options: Object.entries(EVIDENCE_KIND) }),
    field({ label: "Preuve de l'expérience", name: "experienceId", type: "select",
      options: [["", "Aucune en particulier"], ...experiences.map((e) => [e.id, `${e.title} — ${e.organisation}`])] }),
    field({ label: "Preuve du diplôme", name: "qualificationId", type: "select",
      options: [["", "Aucun"], ...dossier.qualifications.map((q) => [q.id, `${q.code} — ${q.title}`])],
      hint: "Une copie du diplôme justifie les dispenses qu'il ouvre." }),
    dossier.priorValidations.length
      ? field({ label: "Preuve d'un domaine déjà validé", name: "priorValidationId", type: "select",
        options: [["", "Aucun"], ...dossier.priorValidations.map((p) => [p.id, `${p.programmeCode} ${p.domainCode}, validé le ${formatDate(p.validatedOn)}`])],
        hint: "Le relevé de décisions du jury justifie la dispense du domaine." })
      : null,
    holder,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Déposer le fichier")));
  const say = (text) => { status.textContent = text; };
  return onSubmit(form, async (v) => {
    const file = form.querySelector("input[type=file]").files[0];
    const blanks = [];
    if (!file) blanks.push({ field: ["file"], code: "BLANK", message: "Choisissez un fichier." });
    if (!optional(v.title)) blanks.push({ field: ["title"], code: "BLANK" });
    if (blanks.length) return showErrors(form, blanks);
    holder.hidden = false;
    progress.value = 0;
    let announced = 0;
    const payload = await uploadEvidence({
      dossierId: dossier.id, kind: v.kind, title: v.title.trim(),
      experienceId: optional(v.experienceId), qualificationId: optional(v.qualificationId),
      priorValidationId: optional(v.priorValidationId),
    }, file, {
      maxBytes: maxUploadBytes,
      onPhase: (phase) => say({ hash: "Préparation du fichier…", send: "Envoi : 0 %", check: "Vérification du fichier reçu…" }[phase]),
      onProgress: (fraction) => {
        const percent = Math.round(fraction * 100);
        progress.value = percent;
        // Every quarter, not every event: a screen reader would say nothing else.
        if (percent >= announced + 25 || percent === 100) {
          announced = percent;
          say(`Envoi : ${percent} %`);
        }
      },
    });
    if (payload.userErrors.length) {
      holder.hidden = true;
      return showErrors(form, payload.userErrors);
    }
    return refresh(`« ${payload.evidence.title} » est déposé (${formatBytes(payload.evidence.size)}). Reliez-le aux compétences qu'il montre dans Correspondance.`);
  });
}
