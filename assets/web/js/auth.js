// Who is signed in, and how they sign in: OpenID Connect's authorization code flow with PKCE
// (the page is a public client: no secret, a one-time verifier instead), or the development
// sign-in when the service offers it. The session lives in this tab's sessionStorage only.

const SESSION = "acquis.session";
const PENDING = "acquis.oidc.pending";

let settingsPromise = null;
/** The service's `/app/config.json`, fetched once. */
export function settings() {
  if (!settingsPromise) {
    settingsPromise = fetch("/app/config.json", { headers: { accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`config.json: ${r.status}`))));
  }
  return settingsPromise;
}

export function session() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION) || "null");
    if (!saved || !saved.token) return null;
    if (saved.expiresAt && Date.parse(saved.expiresAt) <= Date.now() && !saved.refreshToken) {
      sessionStorage.removeItem(SESSION);
      return null;
    }
    return saved;
  } catch {
    return null;
  }
}

function keep(saved) {
  sessionStorage.setItem(SESSION, JSON.stringify(saved));
}

export function forget() {
  sessionStorage.removeItem(SESSION);
}

/** A bearer token that is still valid, refreshed first when it is about to end. */
export async function freshToken() {
  const current = session();
  if (!current) return null;
  const left = current.expiresAt ? Date.parse(current.expiresAt) - Date.now() : Infinity;
  if (left > 60_000 || !current.refreshToken || !current.tokenEndpoint) {
    return left > 0 ? current.token : null;
  }
  try {
    const tokens = await postForm(current.tokenEndpoint, {
      grant_type: "refresh_token",
      refresh_token: current.refreshToken,
      client_id: current.clientId,
    });
    keep({ ...current, ...fromTokens(tokens, current.nonce, false) });
    return session()?.token ?? null;
  } catch {
    forget();
    return null;
  }
}

export class SignInError extends Error {}

/** The development sign-in: a token for the subject and role typed in the form. */
export async function devSignIn({ subject, name, role }) {
  const response = await fetch("/app/dev-sign-in", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ subject, name: name || null, role }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new SignInError(body.code || `HTTP_${response.status}`);
  keep({ token: body.token, expiresAt: body.expiresAt, via: "dev" });
}

function base64url(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(length) {
  return base64url(crypto.getRandomValues(new Uint8Array(length)));
}

async function discovery(issuer) {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { accept: "application/json" } });
  if (!response.ok) throw new SignInError("DISCOVERY_FAILED");
  const document = await response.json();
  // A discovery document for another issuer would let that issuer speak for ours.
  if ((document.issuer || "").replace(/\/$/, "") !== issuer) throw new SignInError("ISSUER_MISMATCH");
  return document;
}

function redirectUri() {
  return `${location.origin}/app/callback`;
}

/** Sends the browser to the provider; it comes back to `/app/callback`. */
export async function beginOidc(returnTo) {
  const { oidc } = await settings();
  if (!crypto.subtle) throw new SignInError("INSECURE_CONTEXT");
  const provider = await discovery(oidc.issuer);
  const verifier = randomText(48);
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const state = randomText(24);
  const nonce = randomText(24);
  sessionStorage.setItem(PENDING, JSON.stringify({
    verifier, state, nonce, returnTo,
    tokenEndpoint: provider.token_endpoint,
    endSession: provider.end_session_endpoint || null,
  }));
  const url = new URL(provider.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    scope: oidc.scopes,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

async function postForm(url, fields) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(fields).toString(),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new SignInError(body.error || "TOKEN_REFUSED");
  return body;
}

function claims(jwt) {
  const part = (jwt || "").split(".")[1];
  if (!part) return {};
  try {
    const text = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(decodeURIComponent(escape(text)));
  } catch {
    return {};
  }
}

/** The service checks a JWT access token; a provider that issues opaque ones gets the ID token sent. */
function fromTokens(tokens, nonce, checkNonce) {
  if (checkNonce && tokens.id_token && claims(tokens.id_token).nonce !== nonce) {
    throw new SignInError("NONCE_MISMATCH");
  }
  const jwt = (tokens.access_token || "").split(".").length === 3 ? tokens.access_token : tokens.id_token;
  if (!jwt) throw new SignInError("NO_TOKEN");
  const expiresIn = Number(tokens.expires_in) || 300;
  const fields = { token: jwt, expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString() };
  if (tokens.id_token) fields.idToken = tokens.id_token;
  if (tokens.refresh_token) fields.refreshToken = tokens.refresh_token;
  return fields;
}

/** Finishes the flow on `/app/callback`; returns where the person was going. */
export async function completeOidc(search) {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  if (params.get("error")) throw new SignInError(params.get("error"));
  if (!pending || !params.get("state") || params.get("state") !== pending.state) {
    throw new SignInError("STATE_MISMATCH");
  }
  const { oidc } = await settings();
  const tokens = await postForm(pending.tokenEndpoint, {
    grant_type: "authorization_code",
    code: params.get("code") || "",
    redirect_uri: redirectUri(),
    client_id: oidc.clientId,
    code_verifier: pending.verifier,
  });
  keep({
    ...fromTokens(tokens, pending.nonce, true),
    via: "oidc",
    nonce: pending.nonce,
    clientId: oidc.clientId,
    tokenEndpoint: pending.tokenEndpoint,
    endSession: pending.endSession,
  });
  return pending.returnTo || "/app/";
}

/** Ends the session here, and at the provider when it offers to. */
export function signOut() {
  const current = session();
  forget();
  if (current?.via === "oidc" && current.endSession) {
    const url = new URL(current.endSession);
    url.searchParams.set("post_logout_redirect_uri", `${location.origin}/app/connexion`);
    if (current.idToken) url.searchParams.set("id_token_hint", current.idToken);
    if (current.clientId) url.searchParams.set("client_id", current.clientId);
    location.assign(url.toString());
    return true;
  }
  return false;
}
