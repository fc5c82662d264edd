// The application shell: routes, the signed-in person, the account menu, and what happens
// around every screen (title, focus, errors). Screens only build their own content.

import { ApiError, gql, whenSignedOut } from "./api.js";
import { completeOidc, forget, session, signOut } from "./auth.js";
import { announce, h, notice } from "./dom.js";
import { errorMessage, ROLE } from "./labels.js";
import * as career from "./screens/career.js";
import * as coverage from "./screens/coverage.js";
import * as dossiers from "./screens/dossiers.js";
import * as evidence from "./screens/evidence.js";
import * as exemptions from "./screens/exemptions.js";
import * as jury from "./screens/jury.js";
import * as mapping from "./screens/mapping.js";
import * as overview from "./screens/overview.js";
import * as signIn from "./screens/sign_in.js";

const ROUTES = [
  [/^\/app\/?$/, dossiers.list],
  [/^\/app\/connexion$/, signIn.screen, { public: true }],
  [/^\/app\/callback$/, callback, { public: true }],
  [/^\/app\/nouveau$/, dossiers.create],
  [/^\/app\/dossiers\/([^/]+)$/, overview.screen],
  [/^\/app\/dossiers\/([^/]+)\/parcours$/, career.screen],
  [/^\/app\/dossiers\/([^/]+)\/preuves$/, evidence.screen],
  [/^\/app\/dossiers\/([^/]+)\/correspondance$/, mapping.screen],
  [/^\/app\/dossiers\/([^/]+)\/couverture$/, coverage.screen],
  [/^\/app\/dossiers\/([^/]+)\/dispenses$/, exemptions.screen],
  [/^\/app\/dossiers\/([^/]+)\/jury$/, jury.screen],
];

const main = document.getElementById("contenu");
let viewer = null;
let rendering = 0;

async function loadViewer() {
  if (!session()) return null;
  if (!viewer) {
    const data = await gql("{ me { id subject roles displayName } }");
    viewer = data.me;
  }
  return viewer;
}

function accountMenu() {
  const nav = document.getElementById("compte");
  nav.replaceChildren();
  if (!viewer) return;
  const roles = viewer.roles.map((r) => ROLE[r] || r).join(", ") || "aucun rôle";
  nav.append(
    h("span", { class: "who" }, viewer.displayName || viewer.subject, " — ", roles),
    h("button", { type: "button", class: "secondary", on: { click: () => {
      viewer = null;
      if (!signOut()) navigate("/app/connexion");
    } } }, "Se déconnecter"));
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  render({ focus: true });
}

async function callback() {
  let target;
  try {
    target = await completeOidc(location.search);
  } catch (error) {
    navigate(`/app/connexion?echec=${encodeURIComponent(error.message)}`, { replace: true });
    return null;
  }
  viewer = null;
  navigate(target, { replace: true });
  return null;
}

function errorScreen(error) {
  const code = error instanceof ApiError ? error.code : "INTERNAL";
  if (!(error instanceof ApiError)) console.error(error);
  return {
    title: "Une erreur s'est produite",
    nodes: [
      h("h1", { tabindex: "-1" }, "Une erreur s'est produite"),
      notice("danger", h("p", {}, errorMessage({ code, message: error.message }))),
      h("div", { class: "actions" },
        h("button", { type: "button", on: { click: () => render({ focus: true }) } }, "Réessayer"),
        h("a", { href: "/app/", class: "button secondary" }, "Retour aux dossiers")),
    ],
  };
}

/** Shows the current route. `flash` is a message to show (and focus) above the content. */
export async function render({ focus = false, flash = null } = {}) {
  const ticket = ++rendering;
  const path = location.pathname;
  const found = ROUTES.map(([pattern, screen, options]) => [path.match(pattern), screen, options || {}])
    .find(([match]) => match);
  let result;
  try {
    if (!found) {
      result = { title: "Page introuvable", nodes: [h("h1", { tabindex: "-1" }, "Page introuvable"), h("p", {}, h("a", { href: "/app/" }, "Retour aux dossiers"))] };
    } else {
      const [match, screen, options] = found;
      const who = options.public ? null : await loadViewer();
      if (!options.public && !who) {
        const back = path + location.search;
        history.replaceState(null, "", `/app/connexion?retour=${encodeURIComponent(back)}`);
        return render({ focus });
      }
      accountMenu();
      result = await screen({ params: match.slice(1), viewer: who, navigate, refresh: (message) => render({ flash: message }) });
    }
  } catch (error) {
    if (error instanceof ApiError && error.code === "UNAUTHENTICATED" && !path.startsWith("/app/connexion")) {
      // The token ended: sign in again, then come back here.
      const back = encodeURIComponent(path + location.search);
      history.replaceState(null, "", `/app/connexion?retour=${back}&echec=SESSION_EXPIRED`);
      return render({ focus });
    }
    result = errorScreen(error);
  }
  if (ticket !== rendering || !result) return;
  // Screens leave null where a part does not apply; null would print as text.
  main.replaceChildren(...result.nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
  document.title = `${result.title} — Acquis`;
  if (flash) {
    const box = notice("success", h("p", {}, flash));
    box.setAttribute("tabindex", "-1");
    box.setAttribute("role", "status");
    const heading = main.querySelector("h1");
    if (heading) heading.after(box);
    else main.prepend(box);
    box.focus();
  } else if (focus) {
    const heading = main.querySelector("h1");
    (heading || main).focus();
    announce(result.title);
  }
}

whenSignedOut(() => {
  viewer = null;
  forget();
});

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (link.target || link.hasAttribute("download")) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith("/app/") || url.pathname.startsWith("/app/assets/")) return;
  if (url.pathname === location.pathname && url.hash) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener("popstate", () => render({ focus: true }));
render();
