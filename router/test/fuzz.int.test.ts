import http from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync, deflateSync, brotliCompressSync } from "node:zlib";
import { trustedDocumentId } from "@cartograph/client/trusted-documents";
import { ErrorCode } from "@cartograph/service-kit";
import { Role } from "@cartograph/service-kit/auth";
import { createTestTokens, type TestTokens } from "@cartograph/testing";
import fc from "fast-check";
import { startShelfRouter, type ShelfRouter } from "./shelf-router";

/**
 * Issue 12: generated malformed operations, variables, headers and tokens thrown at the router's
 * HTTP edge. Whatever arrives, the answer is a client error or a result, never a 5xx; it is JSON
 * with documented codes; nothing internal (stack frames, paths, hosts, which service answered)
 * shows; and the router still answers afterwards.
 */

// Enough runs to reach the odd corners, few enough for a slow 2-core machine (most requests are
// refused before the subgraph, which takes 200 ms an answer). FUZZ_RUNS=5000 digs deeper, by hand.
const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const PROPERTY_TIMEOUT_MS = 120_000;

// A trusted document the shelf supergraph can run, so known ids and hash mismatches are reachable too.
const SHELF = "query Shelf { shelf { id name } }";
const SHELF_ID = trustedDocumentId(SHELF);
const manifest = path.join(mkdtempSync(path.join(os.tmpdir(), "fuzz-")), "manifest.json");
writeFileSync(
  manifest,
  JSON.stringify({
    format: "apollo-persisted-query-manifest",
    version: 1,
    operations: [{ id: SHELF_ID, name: "Shelf", type: "query", body: SHELF }],
  }),
);

let shelf: ShelfRouter;
beforeAll(async () => {
  shelf = await startShelfRouter({
    // The fuzzer's budget is not the subject here: throttling must never answer in its place.
    THROTTLE_MAX_POINTS: "1000000000",
    THROTTLE_RESTORE_RATE: "1000000000",
    TRUSTED_DOCUMENTS_MANIFEST: manifest,
    // As in production, so the response cache's key is fuzzed too.
    ROUTER_CACHE: "on",
  });
});
afterAll(() => shelf?.close());

// --- Sending anything -------------------------------------------------------------------------

/** One raw HTTP request, as a client that owes the router nothing might send it. */
interface RawRequest {
  method: string;
  /** Path and query string, as sent on the request line. */
  target: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

// A fresh connection each time: a connection the router closed (after a refused request) must
// not fail the next one.
const agent = new http.Agent({ keepAlive: false });

function send(request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(shelf.router.url);
  const body = typeof request.body === "string" ? Buffer.from(request.body, "utf8") : request.body;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: hostname,
        port,
        method: request.method,
        path: request.target,
        headers: { ...request.headers, ...(body ? { "content-length": String(body.byteLength) } : {}) },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("the router did not answer within 15 s")));
    req.on("error", reject);
    req.end(body);
  });
}

// --- What every answer must be ----------------------------------------------------------------

/** The codes docs/api.md lists ("Errors"): the registry, and Apollo Server's own request errors. */
const DOCUMENTED_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);
const ERROR_EXTENSIONS = new Set(["code", "argument", "reason", "cost"]);

/** Text that only an internal failure puts in an answer. */
const INTERNAL_HINTS: RegExp[] = [
  /node_modules/,
  / {4}at /, // a stack frame
  /\/work\//,
  /\b[A-Z][a-z]+(?:[A-Z][a-z]+)*Error: /, // "TypeError: ...", "RangeError: ..." (not graphql's "Syntax Error: ")
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT/,
  /INTERNAL_SERVER_ERROR|Internal server error/,
  /\b(?:127\.0\.0\.1|localhost|\[::1\]):\d+/, // a host and port, like the subgraph's
];

/** What in an error message would say how the services behind the router are laid out. */
const SERVICE_LAYOUT = /subgraph|service "?shelf|"shelf" service|shelf service/i;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const headBytes = (request: RawRequest) =>
  Buffer.byteLength(request.target) +
  Object.entries(request.headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0);

/** Everything wrong with an answer, empty when it is what a client may be given. */
function problemsWith(request: RawRequest, answer: RawAnswer): string[] {
  const problems: string[] = [];
  const type = answer.headers["content-type"] ?? "";
  if (answer.status >= 500) problems.push(`status ${answer.status}`);
  // The client's own text echoed back ("got invalid value ...") is no leak.
  const sent = `${request.target} ${JSON.stringify(request.headers)} ${typeof request.body === "string" ? request.body : ""}`;
  for (const hint of INTERNAL_HINTS) {
    if (hint.test(answer.text) && !hint.test(sent)) problems.push(`internal text ${hint}`);
  }
  const requestId = answer.headers["x-request-id"];
  if (requestId !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(String(requestId))) {
    problems.push(`x-request-id ${JSON.stringify(requestId)}`);
  }
  if (answer.status === 431) {
    // Node's HTTP parser refuses a request line and headers over its limit itself, bare, before
    // any of the router's code runs: only for a request that large.
    if (headBytes(request) < http.maxHeaderSize / 2) problems.push(`431 for a ${headBytes(request)}-byte head`);
    return problems;
  }
  if (request.method === "HEAD" || answer.status === 204) {
    if (answer.text !== "") problems.push("a body where none belongs");
    return problems;
  }
  if (type.startsWith("text/html")) {
    // Apollo Sandbox's landing page, outside production, for a browser opening /graphql.
    if (!(request.method === "GET" && answer.status === 200)) problems.push(`HTML with status ${answer.status}`);
    return problems;
  }
  if (!/^application\/(graphql-response\+)?json/.test(type)) problems.push(`content-type ${JSON.stringify(type)}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    problems.push(`not JSON: ${answer.text.slice(0, 200)}`);
    return problems;
  }
  if (!isRecord(body)) return [...problems, "not a JSON object"];
  const errors = body.errors;
  if (errors !== undefined && (!Array.isArray(errors) || errors.length === 0)) problems.push("errors not a list");
  if (answer.status >= 400 && !Array.isArray(errors)) problems.push(`status ${answer.status} without errors`);
  for (const error of Array.isArray(errors) ? (errors as unknown[]) : []) {
    if (!isRecord(error) || typeof error.message !== "string" || !isRecord(error.extensions)) {
      problems.push(`malformed error ${JSON.stringify(error)}`);
      continue;
    }
    const { code } = error.extensions;
    if (typeof code !== "string" || !DOCUMENTED_CODES.has(code)) problems.push(`code ${JSON.stringify(code)}`);
    const extra = Object.keys(error.extensions).filter((key) => !ERROR_EXTENSIONS.has(key));
    if (extra.length > 0) problems.push(`error extensions ${extra.join(", ")}`);
    if (SERVICE_LAYOUT.test(error.message)) problems.push(`service layout in ${JSON.stringify(error.message)}`);
  }
  const extensions = isRecord(body.extensions) ? Object.keys(body.extensions).filter((key) => key !== "cost") : [];
  if (extensions.length > 0) problems.push(`response extensions ${extensions.join(", ")}`);
  return problems;
}

async function expectWellAnswered(request: RawRequest): Promise<void> {
  const answer = await send(request);
  const problems = problemsWith(request, answer);
  if (problems.length > 0) {
    throw new Error(
      `${problems.join("; ")}\n${answer.status} ${answer.headers["content-type"]}\n${answer.text.slice(0, 500)}`,
    );
  }
}

// --- Generators -------------------------------------------------------------------------------

const repeat = (count: number, part: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => part(index)).join(" ");

/** What Node lets a client put in a header value: printable ASCII and Latin-1. */
const headerText = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
    .map((code) => String.fromCharCode(code)),
  maxLength: 60,
});

/** JSON text nested deeper than JSON.stringify or any recursive walk can follow. */
const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom("array", "object"))
  .map(([depth, kind]) =>
    kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "null" + "}".repeat(depth),
  );

/** Any JSON value, as text: ordinary, deep, odd numbers, lone surrogates, unicode. */
const jsonText = fc.oneof(
  { arbitrary: fc.json({ maxDepth: 3 }), weight: 4 },
  { arbitrary: deepJson, weight: 1 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map((text) => JSON.stringify(text)), weight: 1 },
  fc.constantFrom("null", '""', "[]", "{}", "1e999", "-0", "true", '"\\ud800"', '"\\u0000"', "9007199254740993"),
);

const fieldName = fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,15}$/);

const graphqlToken = fc.constantFrom(
  ...["{", "}", "(", ")", "[", "]", ":", "$v", "...", "@include", "@skip", "@defer", "@nope", "!", "=", "|", "&"],
  ...["query", "mutation", "subscription", "fragment", "on", "shelf", "id", "name", "mine", "restock"],
  ...["__typename", "__schema", "__type", "Item", "Query", "if", "true", "null", '"text"', '"""block"""'],
  ...["1", "-1.5e3", "# note\n", ",", "\u0000", '"\\u{D800}"', "0x1", '"unterminated', "\ufeff"],
);

/** GraphQL documents: broken syntax, and well-formed ones the schema or the limits must refuse. */
const documents: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.oneof(graphqlToken, fc.string({ maxLength: 5 })), { maxLength: 60 }).map((parts) => parts.join(" ")),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.integer({ min: 1, max: 1_500 }).map((n) => "{".repeat(n) + "}".repeat(n)),
  fc.integer({ min: 1, max: 600 }).map((n) => `{ shelf { ${"... on Item { ".repeat(n)}id${" }".repeat(n)} } }`),
  fc
    .integer({ min: 1, max: 60 })
    .map((n) => `{ __schema { types { ${"fields { type { ".repeat(n)}name${" } }".repeat(n)} } } }`),
  fc.integer({ min: 1, max: 400 }).map((n) => `query($v: ${"[".repeat(n)}Int${"]".repeat(n)}) { shelf { id } }`),
  fc.integer({ min: 1, max: 400 }).map((n) => `{ shelf(x: ${"[".repeat(n)}1${"]".repeat(n)}) { id } }`),
  fc.integer({ min: 1, max: 400 }).map((n) => `{ mine(x: ${"{a: ".repeat(n)}1${"}".repeat(n)}) }`),
  fc.integer({ min: 1, max: 500_000 }).map((n) => `{ mine(x: "${"x".repeat(n)}") }`),
  fc
    .tuple(
      fc.integer({ min: 1, max: 300 }),
      fc.constantFrom("shelf { id }", "__typename", "mine", "shelf { a: id b: id }"),
    )
    .map(([n, selection]) => `{ ${repeat(n, (i) => `a${i}: ${selection}`)} }`),
  fc.array(fieldName, { minLength: 1, maxLength: 5 }).map((fields) => `{ ${fields.join(" ")} }`),
  fc.array(fieldName, { minLength: 1, maxLength: 5 }).map((fields) => `{ shelf { ${fields.join(" ")} } }`),
  fc
    .integer({ min: 1, max: 30 })
    .map((n) => `{ ...F0 } ${repeat(n, (i) => `fragment F${i} on Query { ...F${(i + 1) % n} }`)}`),
  fc
    .tuple(
      fc.integer({ min: 1, max: 120 }),
      fc.constantFrom(
        "@include(if: true)",
        "@skip(if: false)",
        "@nope",
        "@include(if: $c)",
        "@skip",
        "@include(if: 1)",
      ),
    )
    .map(([n, directive]) => `query($c: Boolean) { shelf ${repeat(n, () => directive)} { id } }`),
  fc.constantFrom(
    "query Q($a: Int!, $b: [String!], $c: Boolean, $d: ID, $e: Float) { shelf @include(if: $c) { id } mine }",
    "fragment A on Query { ...A } { ...A }",
    "{ ...Missing }",
    "fragment A on Nope { id } { ...A }",
    "fragment A on Item { id } { ...A }",
    "{ shelf { ... on Query { mine } } }",
    "query { shelf { id } } query { mine }",
    "query A { mine } query A { mine }",
    "query A { mine } query B { __typename }",
    "subscription { shelf { id } }",
    "mutation { restock }",
    "mutation M($n: Int) { restock(n: $n) }",
    "{ __schema { types { name } } }",
    '{ __type(name: "Item") { fields { name } } }',
    "{ shelf { id ... @defer { name } } }",
    "{ shelf @stream(initialCount: 1) { id } }",
    'query($a: Int = "x") { mine }',
    "query($a: Nope) { mine }",
    "query($a: Int, $a: Int) { mine }",
    "{ mine(x: $undeclared) }",
    "{ mine { id } }",
    "{ shelf }",
    "schema { query: Query }",
    "type Foo { id: ID }",
    "extend type Query { x: Int }",
    "directive @x on FIELD",
    SHELF,
    "",
    " ",
  ),
);

const operationNames = fc.oneof(
  fc.constantFrom("Q", "A", "B", "M", "Shelf", "", "__proto__"),
  fc.string({ unit: "binary", maxLength: 20 }),
);

const variablesText = fc.oneof(
  fc
    .dictionary(fc.constantFrom("a", "b", "c", "d", "e", "v", "n", "__proto__"), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 5,
    })
    .map((variables) => JSON.stringify(variables)),
  deepJson.map((deep) => `{"v":${deep}}`),
  jsonText,
);

const hash = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.constantFrom(SHELF_ID, SHELF_ID.toUpperCase(), `sha256:${SHELF_ID}`, ""),
  fc.string({ maxLength: 70 }),
);

const extensionsText = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.constantFrom("1", "2", "0"), jsonText),
      fc.oneof(
        hash.map((h) => JSON.stringify(h)),
        jsonText,
      ),
    )
    .map(([version, sha256Hash]) => `{"persistedQuery":{"version":${version},"sha256Hash":${sha256Hash}}}`),
  fc.constantFrom('{"persistedQuery":null}', '{"persistedQuery":[]}', '{"persistedQuery":"x"}'),
  jsonText,
);

const documentIdText = fc.oneof(
  hash.map((h) => JSON.stringify(h)),
  jsonText,
);

/** A GraphQL-over-HTTP request object, each field missing, right, or of any wrong type. */
const requestObjects: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(
      fc.oneof(
        documents.map((query) => JSON.stringify(query)),
        jsonText,
      ),
      { nil: undefined },
    ),
    fc.option(variablesText, { nil: undefined }),
    fc.option(
      fc.oneof(
        operationNames.map((name) => JSON.stringify(name)),
        jsonText,
      ),
      { nil: undefined },
    ),
    fc.option(extensionsText, { nil: undefined }),
    fc.option(documentIdText, { nil: undefined }),
    fc.option(fc.tuple(fieldName, jsonText), { nil: undefined }),
  )
  .map(([query, variables, operationName, extensions, documentId, extra]) => {
    const fields = [
      query === undefined ? "" : `"query":${query}`,
      variables === undefined ? "" : `"variables":${variables}`,
      operationName === undefined ? "" : `"operationName":${operationName}`,
      extensions === undefined ? "" : `"extensions":${extensions}`,
      documentId === undefined ? "" : `"documentId":${documentId}`,
      extra === undefined ? "" : `${JSON.stringify(extra[0])}:${extra[1]}`,
    ];
    return `{${fields.filter(Boolean).join(",")}}`;
  });

/** POST bodies: request objects, cut short, batched, any JSON, not JSON at all. */
const bodies: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { arbitrary: requestObjects, weight: 4 },
  requestObjects.chain((text) => fc.nat({ max: text.length }).map((cut) => text.slice(0, cut))),
  fc.array(requestObjects, { maxLength: 3 }).map((items) => `[${items.join(",")}]`),
  jsonText,
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom(
    "",
    "\ufeff{}",
    '{"query":"{ mine }","query":1}',
    '{"__proto__":{"query":"{ mine }"}}',
    '{"constructor":{"prototype":{"query":"{ mine }"}}}',
    "{,}",
    '{"query":"{ mine }"} trailing',
    "\u0000",
  ),
);

const contentTypes = fc.oneof(
  { arbitrary: fc.constant("application/json"), weight: 6 },
  fc.constantFrom(
    "application/json; charset=utf-8",
    "application/json; charset=utf-16",
    "application/json; charset=latin1",
    "application/json; charset=utf-99",
    'application/json; charset="utf-8"',
    "application/json; charset",
    "application/json;;;",
    "APPLICATION/JSON",
    "application/graphql+json",
    "application/graphql-response+json",
    "application/graphql",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "*/*",
    "",
  ),
  headerText,
);

const accepts = fc.oneof(
  fc.constantFrom(
    "application/json",
    "application/graphql-response+json",
    "application/graphql-response+json, application/json;q=0.9",
    "*/*",
    "text/html",
    "application/xml",
    "application/json;q=0",
    "text/event-stream",
    "multipart/mixed",
    "multipart/mixed;deferSpec=20220824, application/json",
    "",
  ),
  headerText,
);

const contentEncodings = fc.oneof(
  fc.constantFrom("identity", "gzip", "deflate", "br", "zstd", "compress", "GZIP", "gzip, gzip", ""),
  headerText,
);

/** Authorization headers: garbage, almost-Bearer, forged and expired JWTs, and good tokens. */
function authorizations(tokens: TestTokens): fc.Arbitrary<string> {
  const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");
  const good = tokens.customer();
  const [goodHeader, , goodSignature] = good.split(".");
  const forged = fc
    .tuple(
      fc.oneof(
        fc.constantFrom('{"alg":"none"}', '{"alg":"HS256"}', '{"alg":"RS256","kid":"nope"}'),
        fc.constant(Buffer.from(goodHeader!, "base64url").toString("utf8")),
        fc.json({ maxDepth: 2 }),
      ),
      fc.oneof(
        fc.constant(
          JSON.stringify({
            sub: "usr_admin",
            roles: [Role.ADMIN],
            iss: "cartograph-users",
            aud: "cartograph",
            exp: 4_102_444_800,
            jti: "forged",
          }),
        ),
        fc.json({ maxDepth: 2 }),
      ),
      fc.oneof(fc.constantFrom("", goodSignature!), fc.base64String({ maxLength: 64 })),
    )
    .map(
      ([header, payload, signature]) => `${base64url(header)}.${base64url(payload)}.${signature.replace(/=+$/, "")}`,
    );
  const signed = fc.oneof(
    fc.constant(good),
    fc.constant(tokens.admin()),
    // Expired well past the verifier's clock tolerance.
    fc.constant(tokens.sign("usr_expired", [Role.CUSTOMER], { expiresInSeconds: -3_600 })),
    // Signed by a key the router does not know.
    fc.constant(createTestTokens().customer()),
    fc.string({ unit: "binary", maxLength: 30 }).map((userId) => tokens.sign(userId, [Role.CUSTOMER])),
    fc.constant(tokens.sign("usr_nobody", [])),
  );
  return fc.oneof(
    headerText,
    fc.constantFrom("Bearer", "Bearer ", "bearer", "BEARER x", "Bearer  a b", "Basic dXNlcjpwYXNz", "Token abc"),
    fc.stringMatching(/^[A-Za-z0-9._~+/=-]{0,200}$/).map((token) => `Bearer ${token}`),
    headerText.map((token) => `Bearer ${token}`),
    forged.map((token) => `Bearer ${token}`),
    signed.map((token) => `Bearer ${token}`),
    signed.map((token) => `Bearer ${token.slice(0, -3)}`),
  );
}

/** Header names Node or the transport give meaning to: not the fuzzer's to set. */
const FRAMING = new Set(["content-length", "transfer-encoding", "host", "connection", "expect", "upgrade", "te"]);

function headerSets(tokens: TestTokens): fc.Arbitrary<Record<string, string>> {
  return fc
    .tuple(
      fc.record(
        {
          "content-type": contentTypes,
          accept: accepts,
          authorization: authorizations(tokens),
          "x-request-id": fc.oneof(headerText, fc.stringMatching(/^[A-Za-z0-9._:-]{1,200}$/)),
          "apollo-require-preflight": headerText,
          "x-apollo-operation-name": headerText,
          "content-encoding": contentEncodings,
          origin: fc.oneof(fc.constantFrom("http://localhost:5173", "https://evil.example", "null"), headerText),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(
        fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/).filter((name) => !FRAMING.has(name.toLowerCase())),
        headerText,
        { maxKeys: 3 },
      ),
    )
    .map(([known, extra]) => {
      const headers: Record<string, string> = { ...extra };
      for (const [name, value] of Object.entries(known)) if (value !== undefined) headers[name] = value;
      return headers;
    });
}

/** A query string value: percent-encoded, or raw with broken escapes. */
const queryValue = fc.oneof(
  fc
    .oneof(documents, jsonText, variablesText, extensionsText, hash, fc.string({ unit: "binary", maxLength: 40 }))
    .map(encodeURIComponent),
  fc.stringMatching(/^(?:[A-Za-z0-9{}$:,.\-_~!*'()[\]@/?]|%[0-9A-Fa-f]{0,2}|%[G-Zg-z]{2})*$/),
);

const queryStrings = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom("query", "variables", "operationName", "extensions", "documentId"),
        fc.constantFrom("query[]", "query[a]", "variables[x]", "__proto__", "constructor", "", "%ZZ"),
        fieldName,
      ),
      queryValue,
    ),
    { maxLength: 5 },
  )
  .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join("&"));

const paths = fc.oneof(
  { arbitrary: fc.constant("/graphql"), weight: 6 },
  fc.constantFrom("/graphql/", "/GRAPHQL", "/", "/healthz", "/readyz", "//graphql", "/graphql%00", "/%", "/graphql;x"),
  fc.constantFrom("/graphql/extra", "/graphql/../healthz", "/.env", "/graphql%2F..%2Fhealthz"),
  fc.webPath().map((path) => path || "/"),
);

// Every method Node's HTTP parser knows (CONNECT opens a tunnel instead of asking anything).
const methods = fc.oneof(
  { arbitrary: fc.constantFrom("GET", "POST"), weight: 3 },
  fc.constantFrom(...http.METHODS.filter((method) => method !== "CONNECT")),
);

// --- The properties ---------------------------------------------------------------------------

const json = { "content-type": "application/json" };

describe("the router's HTTP edge, fuzzed (issue 12)", () => {
  it(
    "answers any POST body, however malformed, with a coded client error or a result",
    async () => {
      await fc.assert(
        fc.asyncProperty(bodies, contentTypes, async (body, contentType) => {
          await expectWellAnswered({
            method: "POST",
            target: "/graphql",
            headers: { "content-type": contentType },
            body,
          });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "answers any GraphQL document, variables and operation name, over POST or GET, without a 5xx",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          documents,
          fc.option(variablesText, { nil: undefined }),
          fc.option(operationNames, { nil: undefined }),
          fc.boolean(),
          async (query, variables, operationName, overGet) => {
            if (overGet) {
              const params = new URLSearchParams({ query });
              if (variables !== undefined) params.set("variables", variables);
              if (operationName !== undefined) params.set("operationName", operationName);
              await expectWellAnswered({
                method: "GET",
                target: `/graphql?${params}`,
                headers: { "apollo-require-preflight": "true" },
              });
              return;
            }
            const fields = [`"query":${JSON.stringify(query)}`];
            if (variables !== undefined) fields.push(`"variables":${variables}`);
            if (operationName !== undefined) fields.push(`"operationName":${JSON.stringify(operationName)}`);
            await expectWellAnswered({
              method: "POST",
              target: "/graphql",
              headers: json,
              body: `{${fields.join(",")}}`,
            });
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "answers any headers and tokens, good request or bad, compressed or not, without a 5xx",
    async () => {
      const requests = fc.record({
        method: fc.constantFrom("GET", "POST"),
        headers: headerSets(shelf.tokens),
        body: fc.oneof(
          fc.constantFrom(
            '{"query":"{ __typename }"}',
            '{"query":"{ mine }"}',
            '{"query":"{ shelf { id } }"}',
            '{"query":"mutation { restock }"}',
          ),
          bodies,
        ),
        compressed: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(requests, async ({ method, headers, body, compressed }) => {
          const encoding = (headers["content-encoding"] ?? "").trim().toLowerCase();
          // Compressed as declared (when we can) or not: a body that does not inflate must be refused cleanly too.
          const compress = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync }[encoding];
          const payload = compressed && compress ? compress(body) : body;
          if (method === "GET") {
            await expectWellAnswered({ method, target: "/graphql?query=%7B%20mine%20%7D", headers });
            return;
          }
          await expectWellAnswered({ method, target: "/graphql", headers, body: payload });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "answers any method, path and query string without a 5xx",
    async () => {
      const requests = fc.record({
        method: methods,
        path: paths,
        query: fc.option(queryStrings, { nil: undefined }),
        preflight: fc.boolean(),
        body: fc.option(bodies, { nil: undefined }),
      });
      await fc.assert(
        fc.asyncProperty(requests, async ({ method, path: target, query, preflight, body }) => {
          await expectWellAnswered({
            method,
            target: query === undefined ? target : `${target}?${query}`,
            headers: { ...(body === undefined ? {} : json), ...(preflight ? { "apollo-require-preflight": "1" } : {}) },
            ...(body === undefined ? {} : { body }),
          });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it("still answers an ordinary query afterwards", async () => {
    expect((await send({ method: "GET", target: "/readyz", headers: {} })).status).toBe(200);
    const { status, body } = await shelf.post({ query: "{ shelf { id } }" });
    expect({ status, body }).toEqual({ status: 200, body: { data: { shelf: [{ id: "1" }] } } });
  });
});

describe("what the fuzzer found, answered as the client's mistake (or served)", () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    send({ method: "POST", target: "/graphql", headers: { ...json, ...headers }, body });
  const coded = (answer: RawAnswer) => ({
    status: answer.status,
    codes: (JSON.parse(answer.text) as { errors?: Array<{ extensions: { code: string } }> }).errors?.map(
      (error) => error.extensions.code,
    ),
  });

  it("a body that does not inflate as its Content-Encoding says is 400 BAD_REQUEST", async () => {
    expect(coded(await post('{"query":"{ mine }"}', { "content-encoding": "deflate" }))).toEqual({
      status: 400,
      codes: ["BAD_REQUEST"],
    });
  });

  it("a persisted query version Apollo Server does not know is 400 BAD_REQUEST", async () => {
    expect(coded(await post('{"extensions":{"persistedQuery":[]}}'))).toEqual({ status: 400, codes: ["BAD_REQUEST"] });
  });

  it("an APQ hash that is not a string, even nested past the stack's depth, is 400 BAD_REQUEST", async () => {
    const nested = "[".repeat(100_000) + "]".repeat(100_000);
    expect(coded(await post(`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":${nested}}}}`))).toEqual({
      status: 400,
      codes: ["BAD_REQUEST"],
    });
  });

  it("text sent with an unknown APQ hash it does not hash to is 400 PERSISTED_QUERY_HASH_MISMATCH", async () => {
    const body = { query: "{ mine }", extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } };
    expect(coded(await post(JSON.stringify(body)))).toEqual({ status: 400, codes: ["PERSISTED_QUERY_HASH_MISMATCH"] });
  });

  it("an operationName naming no operation of the document is 400 OPERATION_RESOLUTION_FAILURE", async () => {
    for (const body of [
      { documentId: SHELF_ID, operationName: "Q" },
      { query: "query A { mine } query B { __typename }" },
    ]) {
      expect(coded(await post(JSON.stringify(body)))).toEqual({ status: 400, codes: ["OPERATION_RESOLUTION_FAILURE"] });
    }
  });

  it("variables nested deeper than JSON.stringify can follow do not stop a query", async () => {
    const depth = 100_000;
    const deep = '{"a":'.repeat(depth) + "null" + "}".repeat(depth);
    const answer = await post(`{"query":"{ shelf { id } }","variables":{"v":${deep}}}`);
    expect({ status: answer.status, data: (JSON.parse(answer.text) as { data?: unknown }).data }).toEqual({
      status: 200,
      data: { shelf: [{ id: "1" }] },
    });
  });
});
