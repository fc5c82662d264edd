// GraphQL over HTTP audit of a running Acquis: every audit of graphql-http's `serverAudits`,
// plus two checks of our own (multipart field order, mutations over GET).
// Usage: AUDIT_URL=http://127.0.0.1:PORT/graphql node audit.mjs
// Exit code 1 when a MUST or SHOULD fails; MAY failures are printed only.
import { serverAudits } from 'graphql-http';

const url = process.env.AUDIT_URL;
if (!url) {
  console.error('audit: set AUDIT_URL to the GraphQL endpoint, e.g. http://127.0.0.1:8080/graphql');
  process.exit(2);
}

const level = (name) => name.split(' ', 1)[0];

// Our own checks, in the shape of graphql-http's audits: an id, a name starting with its
// requirement level, and a function that throws the reason of a failure.
const ownAudits = [
  {
    id: 'ACQ-MULTIPART-ORDER',
    name: 'MUST refuse a multipart request whose map part comes before operations with 400 naming operations',
    fn: async () => {
      const form = new FormData();
      // FormData keeps insertion order: `map` is sent first, against the multipart request spec.
      form.append('map', JSON.stringify({ 0: ['variables.file'] }));
      form.append(
        'operations',
        JSON.stringify({ query: 'mutation($file: Upload) { __typename }', variables: { file: null } }),
      );
      form.append('0', new Blob(['%PDF-1.4\n'], { type: 'application/pdf' }), 'a.pdf');
      const res = await fetch(url, {
        method: 'POST',
        // Plain JSON: a server that ignores the order answers 200 (with a validation error).
        headers: { accept: 'application/json' },
        body: form,
      });
      const text = await res.text();
      if (res.status !== 400) throw new Error(`status ${res.status}, expected 400: ${text}`);
      let message;
      try {
        message = JSON.parse(text).errors?.[0]?.message;
      } catch {
        throw new Error(`body is not JSON: ${text}`);
      }
      if (typeof message !== 'string' || !message.includes('operations')) {
        throw new Error(`the error message does not mention operations: ${text}`);
      }
    },
  },
  {
    id: 'ACQ-GET-MUTATION',
    name: 'MUST refuse a mutation sent with GET with 405',
    fn: async () => {
      const get = new URL(url);
      get.searchParams.set('query', 'mutation { __typename }');
      const res = await fetch(get, { headers: { accept: 'application/json' } });
      const text = await res.text();
      if (res.status !== 405) throw new Error(`status ${res.status}, expected 405: ${text}`);
    },
  },
];

async function runOwn({ id, name, fn }) {
  try {
    await fn();
    return { id, name, status: 'ok' };
  } catch (err) {
    return { id, name, status: 'error', reason: err instanceof Error ? err.message : String(err) };
  }
}

const audits = serverAudits({ url, fetchFn: fetch });
const results = [];
// One at a time: the server logs stay readable and a failure points at one request.
for (const audit of audits) {
  let result;
  try {
    result = await audit.fn();
  } catch (err) {
    // graphql-http throws only on fatal errors (e.g. the server is unreachable).
    result = { id: audit.id, name: audit.name, status: 'error', reason: `fatal: ${err?.message ?? err}` };
  }
  results.push(result);
}
for (const audit of ownAudits) results.push(await runOwn(audit));

let passed = 0;
let failed = 0;
let blocking = 0;
for (const result of results) {
  if (result.status === 'ok') {
    passed += 1;
    continue;
  }
  failed += 1;
  const required = level(result.name) !== 'MAY';
  if (required) blocking += 1;
  let detail = '';
  if (result.response) {
    const body = await result.response.text().catch(() => '');
    detail = ` [HTTP ${result.response.status} ${result.response.headers.get('content-type') ?? ''}] ${body.slice(0, 300)}`;
  }
  console.log(`${required ? 'FAIL' : 'note'} ${result.id} ${result.name}: ${result.reason}${detail}`);
}
console.log(`audit: ${passed} passed, ${failed} failed`);
process.exit(blocking > 0 ? 1 : 0);
