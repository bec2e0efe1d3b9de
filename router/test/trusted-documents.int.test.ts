import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { trustedDocumentId } from "@cartograph/client/trusted-documents";
import { startShelfRouter, type ShelfRouter } from "./shelf-router";

const SHELF = "query Shelf { shelf { id name } }";
const manifest = path.join(mkdtempSync(path.join(os.tmpdir(), "trusted-")), "manifest.json");
writeFileSync(
  manifest,
  JSON.stringify({
    format: "apollo-persisted-query-manifest",
    version: 1,
    operations: [{ id: trustedDocumentId(SHELF), name: "Shelf", type: "query", body: SHELF }],
  }),
);
const byId = (id: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: id } } });
const answer = { data: { shelf: [{ id: "1", name: "Kettle" }] } };

describe.each(["allow", "only"] as const)("trusted documents (%s)", (mode) => {
  let shelf: ShelfRouter;
  beforeAll(async () => {
    shelf = await startShelfRouter({ TRUSTED_DOCUMENTS: mode, TRUSTED_DOCUMENTS_MANIFEST: manifest });
  });
  afterAll(() => shelf?.close());

  it("answers a known id, by APQ's extension or by documentId, without its text", async () => {
    for (const request of [byId(trustedDocumentId(SHELF)), { documentId: `sha256:${trustedDocumentId(SHELF)}` }]) {
      const { status, body } = await shelf.post(request);
      expect({ status, body }).toEqual({ status: 200, body: answer });
    }
  });

  it("refuses a document sent with an id it does not hash to", async () => {
    const { status, body } = await shelf.post({ query: "{ mine }", ...byId(trustedDocumentId(SHELF)) });
    expect(status).toBe(400);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(["PERSISTED_QUERY_HASH_MISMATCH"]);
    expect(shelf.calls.some((call) => call.query.includes("mine"))).toBe(false);
  });

  it("refuses an unknown documentId", async () => {
    const { status, body } = await shelf.post({ documentId: "sha256:".padEnd(71, "0") });
    expect(status).toBe(400);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
  });

  if (mode === "only") {
    it("refuses a raw query and an unknown APQ hash, before any subgraph is called", async () => {
      shelf.calls.length = 0;
      const raw = await shelf.post({ query: "{ mine }" });
      expect(raw.status).toBe(400);
      expect(raw.body.errors?.map((error) => error.extensions?.code)).toEqual(["TRUSTED_DOCUMENT_REQUIRED"]);
      const unknown = await shelf.post({ query: "{ mine }", ...byId(trustedDocumentId("{ mine }")) });
      expect(unknown.body.errors?.map((error) => error.extensions?.code)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
      expect(shelf.calls).toEqual([]);
    });
  } else {
    it("runs raw queries and registers unknown APQ hashes, for Sandbox and ad-hoc clients", async () => {
      expect((await shelf.post({ query: "{ mine }" })).body).toEqual({ data: { mine: "whoever asked" } });
      const hash = trustedDocumentId("{ shelf { id } }");
      expect((await shelf.post(byId(hash))).body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
      expect((await shelf.post({ query: "{ shelf { id } }", ...byId(hash) })).body).toEqual({
        data: { shelf: [{ id: "1" }] },
      });
      expect((await shelf.post(byId(hash))).body).toEqual({ data: { shelf: [{ id: "1" }] } });
    });
  }
});
