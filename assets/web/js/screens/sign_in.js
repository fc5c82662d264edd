// Connexion: the OpenID provider's button, and the development form where the service runs
// on its embedded defaults.

import { beginOidc, devSignIn, session, settings, SignInError } from "../auth.js";
import { choices, field, h, heading, notice, optional, showErrors, values } from "../dom.js";
import { ROLE } from "../labels.js";

const SIGN_IN_ERRORS = {
  INSECURE_CONTEXT: "La connexion demande une adresse sécurisée (HTTPS ou localhost).",
  DISCOVERY_FAILED: "Le service d'identification ne répond pas : réessayez plus tard.",
  ISSUER_MISMATCH: "Le service d'identification ne correspond pas à celui qui est configuré.",
  STATE_MISMATCH: "La connexion n'a pas pu être vérifiée : recommencez.",
  NONCE_MISMATCH: "La connexion n'a pas pu être vérifiée : recommencez.",
  access_denied: "La connexion a été refusée.",
  SESSION_EXPIRED: "Votre session a pris fin : reconnectez-vous pour continuer.",
  INVALID_SUBJECT: "L'identifiant va de 1 à 64 lettres, chiffres, « . », « _ », « - » ou « @ ».",
  INVALID_NAME: "Le nom compte au plus 80 caractères.",
};

function message(error) {
  return SIGN_IN_ERRORS[error.message] || "La connexion a échoué : recommencez.";
}

export async function screen({ navigate }) {
  const config = await settings();
  const back = new URLSearchParams(location.search).get("retour");
  const returnTo = back && back.startsWith("/app/") ? back : "/app/";
  const failure = new URLSearchParams(location.search).get("echec");
  if (session()) {
    navigate(returnTo, { replace: true });
    return null;
  }
  const nodes = [heading("Connexion"),
    h("p", { class: "lede" }, "Acquis rassemble votre dossier de validation des acquis de l'expérience : vos expériences, vos preuves et ce qu'elles montrent des compétences du diplôme.")];
  if (failure) nodes.push(notice("danger", h("p", {}, SIGN_IN_ERRORS[failure] || "La connexion a échoué : recommencez.")));
  if (config.oidc) {
    const status = h("p", { class: "error-text", hidden: true, role: "alert" });
    nodes.push(h("section", { class: "card", "aria-labelledby": "titre-oidc" },
      h("h2", { id: "titre-oidc" }, "Avec votre compte"),
      h("p", {}, "Vous serez dirigé vers le service d'identification (", new URL(config.oidc.issuer).host, "), puis ramené ici."),
      status,
      h("button", { type: "button", id: "connexion-oidc", on: { click: async (event) => {
        event.currentTarget.disabled = true;
        try {
          await beginOidc(returnTo);
        } catch (error) {
          event.target.disabled = false;
          status.textContent = error instanceof SignInError ? message(error) : "La connexion a échoué : recommencez.";
          status.hidden = false;
        }
      } } }, "Se connecter")));
  }
  if (config.devSignIn) {
    const form = h("form", { novalidate: true, "aria-labelledby": "titre-dev" },
      field({ label: "Identifiant", name: "subject", required: true, hint: "Par exemple claire.martin ; le même identifiant retrouve les mêmes dossiers.", attrs: { autocomplete: "username" } }),
      field({ label: "Nom affiché", name: "name", hint: "Facultatif.", attrs: { autocomplete: "name" } }),
      choices({ legend: "Rôle", name: "role", required: true, value: "CANDIDATE",
        options: Object.entries(ROLE) }),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Entrer")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const { subject, name, role } = values(form);
      if (!optional(subject)) {
        showErrors(form, [{ field: ["subject"], code: "BLANK" }]);
        return;
      }
      try {
        await devSignIn({ subject: subject.trim(), name: optional(name), role });
        navigate(returnTo, { replace: true });
      } catch (error) {
        const field = error.message === "INVALID_NAME" ? "name" : "subject";
        showErrors(form, [{ field: [field], code: error.message, message: message(error) }]);
      }
    });
    nodes.push(h("section", { class: "card", "aria-labelledby": "titre-dev" },
      h("h2", { id: "titre-dev" }, "Connexion de développement"),
      notice("warning", h("p", {}, "Ce mode n'existe que sur une installation locale : chacun choisit son identité et son rôle. Il est désactivé dès qu'un service d'identification est configuré.")),
      form));
  }
  if (!config.oidc && !config.devSignIn) {
    nodes.push(notice("danger", h("p", {}, "Aucun moyen de connexion n'est configuré : l'administration doit renseigner ACQUIS_OIDC_ISSUER.")));
  }
  return { title: "Connexion", nodes };
}
