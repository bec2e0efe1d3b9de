/**
 * The package as a frontend developer gets it: `pnpm pack` (which builds dist/ through prepack),
 * installed with npm from the registry into a fresh project outside the repository, then used by
 * plain `node` (ESM and CommonJS) against a small real HTTP server, and type-checked by a
 * TypeScript consumer. A registry that cannot be reached fails the test: nothing is skipped.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import manifest from "@cartograph/client/trusted-documents.json";

const execFileAsync = promisify(execFile);

/** Runs a command; a failure says what the command printed (tsc and npm explain on stdout too). */
async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await execFileAsync(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}${stderr ?? ""}`, { cause: error });
  }
}
const packageDir = path.resolve(__dirname, "..");

/** What the consumer scripts print: what they imported and what the SDK calls returned. */
interface ScriptReport {
  exports: { createCartographClient: string; documentKind: string; sameDocument: boolean; operations: number };
  listing: unknown;
  refreshed: unknown[];
  refreshes: number;
  refused: { name: string; codes: string[]; isCartographRequestError: boolean };
}

/** One body for both module systems; only the imports differ (CommonJS has no top-level await). */
const scriptBody = `
  const url = process.argv[2];
  const report = {
    exports: {
      createCartographClient: typeof createCartographClient,
      documentKind: ProductListingDocument.kind,
      sameDocument: ProductListingDocument === documents.ProductListingDocument,
      operations: manifest.operations.length,
    },
  };
  report.listing = await createCartographClient({ url }).ProductListing({ first: 1 });
  let refreshes = 0;
  const client = createCartographClient({
    url,
    accessToken: "expired",
    refreshAccessToken: async () => {
      refreshes += 1;
      return "fresh";
    },
  });
  report.refreshed = await Promise.all([client.Me(), client.Me()]);
  report.refreshes = refreshes;
  await createCartographClient({ url, accessToken: "invalid" }).Me().catch((error) => {
    report.refused = { name: error.name, codes: error.codes, isCartographRequestError: error instanceof CartographRequestError };
  });
  process.stdout.write(JSON.stringify(report));
`;

const esm = `import { createCartographClient, CartographRequestError, ProductListingDocument } from "@cartograph/client";
import * as documents from "@cartograph/client/documents";
import manifest from "@cartograph/client/trusted-documents.json" with { type: "json" };
${scriptBody}`;

const cjs = `const { createCartographClient, CartographRequestError, ProductListingDocument } = require("@cartograph/client");
const documents = require("@cartograph/client/documents");
const manifest = require("@cartograph/client/trusted-documents.json");
async function main() {
${scriptBody}
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

/** A consumer the declarations must satisfy, in both module systems (.ts is CommonJS here, .mts ESM). */
const consumer = `import { createCartographClient, type CartographClient, type ProductListingQuery } from "@cartograph/client";
import { ProductListingDocument, type MeQuery } from "@cartograph/client/documents";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

type ResultOf<T> = T extends TypedDocumentNode<infer R, infer _V> ? R : never;
const totalCount: ResultOf<typeof ProductListingDocument>["products"]["totalCount"] = 1;
const client: CartographClient = createCartographClient({
  url: "http://localhost:4000/graphql",
  refreshAccessToken: async () => null,
});
export async function check(): Promise<number> {
  const listing: ProductListingQuery = await client.ProductListing({ first: totalCount });
  const me: MeQuery = await client.Me();
  // @ts-expect-error: variables are typed
  await client.ProductListing({ first: "one" });
  return listing.products.totalCount + (me.me?.email.length ?? 0);
}
`;

const products = { products: { totalCount: 1, nodes: [{ id: "UHJvZHVjdDox", name: "Mug" }] } };
const me = { me: { id: "VXNlcjox", email: "ada@example.com" } };
const nameOfId = new Map(manifest.operations.map((operation) => [operation.id, operation.name]));

/** A canned router: answers ProductListing to anyone and Me to the "fresh" token only. */
function answer(operation: string | undefined, authorization: string | undefined, response: ServerResponse): void {
  const reply = (status: number, value: unknown) => {
    response.writeHead(status, { "content-type": "application/graphql-response+json" });
    response.end(JSON.stringify(value));
  };
  const refused = (reason: string) =>
    reply(401, { errors: [{ message: "Access token refused", extensions: { code: "UNAUTHENTICATED", reason } }] });
  if (authorization === "Bearer expired") return refused("TOKEN_EXPIRED");
  if (authorization === "Bearer invalid") return refused("TOKEN_INVALID");
  if (operation === "ProductListing") return reply(200, { data: products });
  if (operation === "Me" && authorization === "Bearer fresh") return reply(200, { data: me });
  reply(200, { errors: [{ message: `unexpected ${operation}`, extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] });
}

describe("the packed @cartograph/client", () => {
  let project: string;
  let server: Server;
  let url: string;
  const seen: Array<{ operation: string | undefined; authorization: string | undefined }> = [];

  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), "cartograph-client-"));
    // Outside the repository: nothing resolves from the workspace's node_modules.
    await run("pnpm", ["pack", "--pack-destination", project], packageDir);
    const tarball = (await readdir(project)).find((file) => file.endsWith(".tgz"));
    if (!tarball) throw new Error(`pnpm pack wrote no tarball into ${project}`);
    await writeFile(
      path.join(project, "package.json"),
      JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
    );
    await writeFile(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022", "dom"],
          types: [],
          noEmit: true,
        },
        files: ["consumer.ts", "consumer.mts"],
      }),
    );
    await Promise.all([
      writeFile(path.join(project, "esm.mjs"), esm),
      writeFile(path.join(project, "cjs.cjs"), cjs),
      writeFile(path.join(project, "consumer.ts"), consumer),
      writeFile(path.join(project, "consumer.mts"), consumer),
    ]);
    await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--loglevel=error", `./${tarball}`, "graphql@16.15.0", "typescript@5.9.3"],
      project,
    );

    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        const payload = JSON.parse(body) as { extensions?: { persistedQuery?: { sha256Hash?: string } } };
        const operation = nameOfId.get(payload.extensions?.persistedQuery?.sha256Hash ?? "");
        seen.push({ operation, authorization: request.headers.authorization });
        answer(operation, request.headers.authorization, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }, 180_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (project) await rm(project, { recursive: true, force: true });
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it.each(["esm.mjs", "cjs.cjs"])(
    "%s imports it and calls the API, refreshing an expired token once",
    async (script) => {
      const report = JSON.parse(await run("node", [script, url], project)) as ScriptReport;
      expect(report.exports).toEqual({
        createCartographClient: "function",
        documentKind: "Document",
        sameDocument: true,
        operations: manifest.operations.length,
      });
      expect(report.listing).toEqual(products);
      expect(report.refreshed).toEqual([me, me]);
      expect(report.refreshes).toBe(1);
      expect(report.refused).toEqual({
        name: "CartographRequestError",
        codes: ["UNAUTHENTICATED"],
        isCartographRequestError: true,
      });
      // Each call went as its trusted document id; both refused calls were retried with the new token.
      // (Compared without order: the concurrent requests and retries may reach the server in any.)
      const byContent = (x: unknown, y: unknown) => JSON.stringify(x).localeCompare(JSON.stringify(y));
      expect([...seen].sort(byContent)).toEqual(
        [
          { operation: "ProductListing", authorization: undefined },
          { operation: "Me", authorization: "Bearer expired" },
          { operation: "Me", authorization: "Bearer expired" },
          { operation: "Me", authorization: "Bearer fresh" },
          { operation: "Me", authorization: "Bearer fresh" },
          { operation: "Me", authorization: "Bearer invalid" },
        ].sort(byContent),
      );
    },
  );

  it("has declarations a TypeScript project (CommonJS and ESM) type-checks against", async () => {
    await run(path.join(project, "node_modules/.bin/tsc"), ["-p", "."], project);
  });
});
