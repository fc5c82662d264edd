// The GraphQL client: one POST per operation, the bearer token of the session, and the
// API's errors turned into `ApiError { code }` so a screen can say what went wrong in French.

import { freshToken } from "./auth.js";

export class ApiError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

let onSignedOut = () => {};
/** What to do when the service says the session is over (the router shows the sign-in). */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

export async function gql(query, variables = {}) {
  const token = await freshToken();
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new ApiError("NETWORK");
  }
  const body = await response.json().catch(() => null);
  return unwrap(body, response.status);
}

/** The `data` of a GraphQL answer, or the `ApiError` of its first error. */
export function unwrap(body, status) {
  if (!body) throw new ApiError(status === 413 ? "FILE_TOO_LARGE" : status === 408 ? "TIMEOUT" : "INTERNAL", `HTTP ${status}`);
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const code = first.extensions?.code || "INTERNAL";
    if (code === "UNAUTHENTICATED") onSignedOut();
    throw new ApiError(code, first.message);
  }
  return body.data;
}

/** Runs mutation `name(input: $input)` and returns its payload (with `userErrors`). */
export async function mutate(name, inputType, input, selection = "") {
  const query = `mutation($input: ${inputType}!) { ${name}(input: $input) { ${selection} userErrors { field message code } } }`;
  const data = await gql(query, { input });
  return data[name];
}

/** Every page of a connection, for lists bounded by one dossier (its files, its experiences). */
export async function allPages(fetchPage) {
  const nodes = [];
  let after = null;
  for (;;) {
    const connection = await fetchPage(after);
    nodes.push(...connection.edges.map((e) => e.node));
    if (!connection.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
}
