// The list of dossiers a person may see (their own, those assigned to them, or all for the
// administration), one page at a time, and the start of a new dossier.

import { gql, mutate } from "../api.js";
import { field, formatDate, h, heading, notice, onSubmit, optional, scrollTable, showErrors, values } from "../dom.js";
import { STATUS } from "../labels.js";
import { has, statusBadge } from "./frame.js";

const PAGE = 20;

export async function list({ viewer }) {
  const params = new URLSearchParams(location.search);
  const after = params.get("apres");
  const status = params.get("statut");
  const data = await gql(
    `query($first: Int, $after: String, $status: DossierStatus) {
      dossiers(first: $first, after: $after, status: $status) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id status updatedAt programme { code title } candidate { subject displayName } } }
      } }`,
    { first: PAGE, after, status: status || null });
  const candidateOnly = viewer.roles.length === 1 && has(viewer, "CANDIDATE");
  const title = candidateOnly ? "Mes dossiers" : has(viewer, "ADMIN") ? "Tous les dossiers" : "Dossiers qui me sont confiés";
  const { edges, pageInfo, totalCount } = data.dossiers;
  const nodes = [heading(title)];
  if (has(viewer, "CANDIDATE")) {
    nodes.push(h("div", { class: "actions" }, h("a", { href: "/app/nouveau", class: "button" }, "Commencer un dossier")));
  }
  const filter = h("form", { class: "actions", role: "search", "aria-label": "Filtrer les dossiers" },
    field({ label: "Statut", name: "statut", type: "select", value: status || "",
      options: [["", "Tous les statuts"], ...Object.entries(STATUS)] }),
    h("button", { type: "submit", class: "secondary" }, "Filtrer"));
  filter.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = values(filter).statut;
    history.pushState(null, "", chosen ? `/app/?statut=${chosen}` : "/app/");
    window.dispatchEvent(new PopStateEvent("popstate"));
  });
  nodes.push(filter);
  nodes.push(h("p", { class: "meta", id: "nombre-dossiers" }, totalCount === 0 ? "Aucun dossier." : `${totalCount} dossier${totalCount > 1 ? "s" : ""}.`));
  if (edges.length) {
    nodes.push(scrollTable("Dossiers", h("table", { class: "stack", "aria-describedby": "nombre-dossiers" },
      h("caption", { class: "visually-hidden" }, title),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Certification"),
        candidateOnly ? null : h("th", { scope: "col" }, "Candidat ou candidate"),
        h("th", { scope: "col" }, "Statut"),
        h("th", { scope: "col" }, "Dernière modification"),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Ouvrir")))),
      h("tbody", {}, edges.map(({ node }) => h("tr", {},
        h("td", { "data-label": "Certification" }, `${node.programme.code} — ${node.programme.title}`),
        candidateOnly ? null : h("td", { "data-label": "Candidat ou candidate" }, node.candidate.displayName || node.candidate.subject),
        h("td", { "data-label": "Statut" }, statusBadge(node.status)),
        h("td", { "data-label": "Dernière modification" }, formatDate(node.updatedAt)),
        h("td", {}, h("a", { href: `/app/dossiers/${encodeURIComponent(node.id)}` },
          "Ouvrir", h("span", { class: "visually-hidden" }, ` le dossier ${node.programme.code} de ${node.candidate.displayName || node.candidate.subject}`)))))))));
  }
  if (pageInfo.hasNextPage) {
    const next = new URLSearchParams({ apres: pageInfo.endCursor, ...(status ? { statut: status } : {}) });
    nodes.push(h("p", {}, h("a", { href: `/app/?${next}` }, "Dossiers suivants")));
  }
  if (after) nodes.push(h("p", {}, h("a", { href: status ? `/app/?statut=${status}` : "/app/" }, "Revenir au début de la liste")));
  return { title, nodes };
}

export async function create({ navigate }) {
  const search = new URLSearchParams(location.search).get("recherche") || "";
  const data = await gql(
    "query($search: String) { programmes(first: 20, search: $search) { code title level rncpCode version } }",
    { search: search || null });
  const finder = h("form", { role: "search", "aria-label": "Rechercher une certification" },
    field({ label: "Rechercher une certification", name: "recherche", type: "search", value: search,
      hint: "Par son code (DEIS) ou un mot de son intitulé." }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Rechercher")));
  finder.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(`/app/nouveau?recherche=${encodeURIComponent(values(finder).recherche || "")}`);
  });
  const programmes = data.programmes;
  const form = h("form", { novalidate: true },
    programmes.length
      ? h("fieldset", { "data-group": "programmeCode", "data-error-id": "erreur-programme" },
        h("legend", {}, "Certification visée", h("span", { "aria-hidden": "true" }, " *")),
        h("p", { class: "error-text", id: "erreur-programme", hidden: true }),
        programmes.map((p, index) => h("div", { class: "choice" },
          h("input", { type: "radio", name: "programmeCode", id: `programme-${index}`, value: p.code, checked: programmes.length === 1 }),
          h("label", { for: `programme-${index}` }, h("strong", {}, p.code), ` — ${p.title}`,
            h("span", { class: "meta" }, [p.level ? ` · niveau ${p.level}` : "", p.rncpCode ? ` · ${p.rncpCode}` : "", ` · référentiel ${p.version}`].join(""))))))
      : notice("warning", h("p", {}, "Aucune certification ne correspond à cette recherche.")),
    field({ label: "Date de la demande", name: "applicationDate", type: "date",
      hint: "Facultative : aujourd'hui par défaut. Elle décide des règles de recevabilité qui s'appliquent." }),
    h("div", { class: "actions" }, h("button", { type: "submit", disabled: programmes.length === 0 }, "Créer le dossier")));
  onSubmit(form, async ({ programmeCode, applicationDate }) => {
    if (!programmeCode) {
      showErrors(form, [{ field: ["programmeCode"], code: "BLANK", message: "Choisissez une certification." }]);
      return;
    }
    const payload = await mutate("createDossier", "CreateDossierInput",
      { programmeCode, applicationDate: optional(applicationDate) }, "dossier { id }");
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    navigate(`/app/dossiers/${encodeURIComponent(payload.dossier.id)}`);
  });
  return { title: "Commencer un dossier", nodes: [heading("Commencer un dossier"), finder, form] };
}
