// Sending a file with a progress report. Small files go in one GraphQL multipart request;
// large ones are staged: the page announces size and SHA-256, PUTs the bytes to the signed
// link it gets back, and asks the service to check them. XMLHttpRequest, because fetch
// cannot report upload progress.

import { ApiError, mutate, unwrap } from "./api.js";
import { freshToken } from "./auth.js";

/** Above this size a file is staged rather than sent inside a GraphQL request. */
export const STAGED_FROM_BYTES = 8 * 1024 * 1024;

const EVIDENCE = "evidence { id title fileName contentType size }";

function send(method, url, headers, body, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => resolve({ status: request.status, text: request.responseText }));
    request.addEventListener("error", () => reject(new ApiError("NETWORK")));
    request.addEventListener("abort", () => reject(new ApiError("UPLOAD_INTERRUPTED")));
    request.send(body);
  });
}

async function authorization() {
  const token = await freshToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function multipart(input, file, onProgress) {
  const operations = {
    query: `mutation($input: UploadEvidenceInput!) { uploadEvidence(input: $input) { ${EVIDENCE} userErrors { field message code } } }`,
    variables: { input: { ...input, file: null } },
  };
  const form = new FormData();
  form.append("operations", JSON.stringify(operations));
  form.append("map", JSON.stringify({ 0: ["variables.input.file"] }));
  form.append("0", file, file.name);
  const answer = await send("POST", "/graphql", { accept: "application/json", ...(await authorization()) }, form, onProgress);
  let body = null;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = null;
  }
  return unwrap(body, answer.status).uploadEvidence;
}

async function staged(input, file, onProgress, onPhase) {
  if (!crypto.subtle) throw new ApiError("INSECURE_CONTEXT");
  onPhase("hash");
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const started = await mutate("startEvidenceUpload", "StartEvidenceUploadInput",
    { ...input, fileName: file.name, size: file.size, sha256 },
    "evidenceId uploadUrl uploadHeaders { name value } expiresAt");
  if (started.userErrors.length) return { evidence: null, userErrors: started.userErrors };
  onPhase("send");
  const headers = Object.fromEntries(started.uploadHeaders.map((h) => [h.name, h.value]));
  const put = await send("PUT", started.uploadUrl, headers, file, onProgress);
  if (put.status < 200 || put.status >= 300) {
    const code = put.status === 413 ? "FILE_TOO_LARGE" : put.status === 403 ? "UPLOAD_EXPIRED" : "UPLOAD_INTERRUPTED";
    return { evidence: null, userErrors: [{ field: ["file"], code, message: put.text }] };
  }
  onPhase("check");
  return mutate("completeEvidenceUpload", "CompleteEvidenceUploadInput", { evidenceId: started.evidenceId }, EVIDENCE);
}

/**
 * Uploads `file` as evidence of `input` (an `UploadEvidenceInput` without `file`).
 * `onProgress(fraction)` follows the bytes; `onPhase("hash" | "send" | "check")` the steps.
 * Returns the payload: `{ evidence, userErrors }`.
 */
export async function uploadEvidence(input, file, { maxBytes, onProgress = () => {}, onPhase = () => {} }) {
  if (maxBytes && file.size > maxBytes) {
    return { evidence: null, userErrors: [{ field: ["file"], code: "FILE_TOO_LARGE", message: "" }] };
  }
  if (file.size === 0) {
    return { evidence: null, userErrors: [{ field: ["file"], code: "EMPTY_FILE", message: "" }] };
  }
  if (file.size >= STAGED_FROM_BYTES) return staged(input, file, onProgress, onPhase);
  onPhase("send");
  return multipart(input, file, onProgress);
}

