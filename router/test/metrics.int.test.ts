import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { trustedDocumentId } from "@cartograph/client/trusted-documents";
import { scrapeMetrics, waitFor, type MetricsScrape } from "@cartograph/testing";
import WebSocket from "ws";
import { startShelfRouter, type ShelfRouter } from "./shelf-router";

// The manifest names one operation; every other name must be counted as `other`.
const SHELF = "query Shelf { shelf { id name } }";
const manifest = path.join(mkdtempSync(path.join(os.tmpdir(), "metrics-")), "manifest.json");
writeFileSync(
  manifest,
  JSON.stringify({
    format: "apollo-persisted-query-manifest",
    version: 1,
    operations: [{ id: trustedDocumentId(SHELF), name: "Shelf", type: "query", body: SHELF }],
  }),
);

const OPERATIONS = "cartograph_router_operations_total";
const FETCHES = "cartograph_router_subgraph_fetches_total";

/** How much a series moved between two scrapes. */
const moved = (before: MetricsScrape, after: MetricsScrape, name: string, labels: Record<string, string> = {}) =>
  after.sum(name, labels) - before.sum(name, labels);

const metricsOf = (shelf: ShelfRouter) => scrapeMetrics(shelf.router.metricsUrl!);

describe("the router's /metrics", () => {
  let shelf: ShelfRouter;
  beforeAll(async () => {
    shelf = await startShelfRouter({ TRUSTED_DOCUMENTS_MANIFEST: manifest, SUBGRAPH_RETRY_RATIO: "0" });
  });
  afterAll(() => shelf?.close());
  afterEach(() => shelf.behave("answer"));

  it("is served in Prometheus' text format on a port of its own, beside Node's runtime metrics", async () => {
    const url = new URL(shelf.router.metricsUrl!);
    expect(url.pathname).toBe("/metrics");
    expect(Number(url.port)).not.toBe(shelf.router.port);
    await shelf.post({ query: SHELF });
    const scrape = await metricsOf(shelf);
    for (const [name, type] of [
      [OPERATIONS, "COUNTER"],
      ["cartograph_router_operation_duration_seconds", "HISTOGRAM"],
      [FETCHES, "COUNTER"],
      ["cartograph_router_subgraph_fetch_duration_seconds", "HISTOGRAM"],
      ["cartograph_router_websocket_connections", "GAUGE"],
      ["process_cpu_user_seconds_total", "COUNTER"],
      ["nodejs_eventloop_lag_seconds", "GAUGE"],
    ] as const) {
      expect({ name, type: scrape.typeOf(name) }).toEqual({ name, type });
    }
    // Neither port serves the other's content.
    expect((await fetch(url.href.replace("/metrics", "/graphql"))).status).toBe(404);
    expect((await fetch(shelf.router.url.replace("/graphql", "/metrics"))).status).toBe(404);
  });

  it("counts and times operations by trusted name and type, and errors by code", async () => {
    const before = await metricsOf(shelf);
    for (let i = 0; i < 3; i += 1) expect((await shelf.post({ query: SHELF })).body.errors).toBeUndefined();
    await shelf.post({ query: "query Mine { mine }" });
    const invalid = await shelf.post({ query: "{ nothingHere }" });
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const after = await metricsOf(shelf);

    const shelfQuery = { operation_name: "Shelf", operation_type: "query" };
    expect(moved(before, after, OPERATIONS, { ...shelfQuery, outcome: "success" })).toBe(3);
    expect(moved(before, after, OPERATIONS, { operation_name: "other", operation_type: "query" })).toBe(1);
    expect(
      moved(before, after, OPERATIONS, { operation_name: "other", operation_type: "unknown", outcome: "error" }),
    ).toBe(1);
    expect(
      moved(before, after, "cartograph_router_operation_errors_total", { code: "GRAPHQL_VALIDATION_FAILED" }),
    ).toBe(1);
    expect(moved(before, after, "cartograph_router_operation_duration_seconds", shelfQuery)).toBe(3);
    // One fetch per valid operation; the invalid one never reached the subgraph.
    expect(moved(before, after, FETCHES, { subgraph: "shelf", outcome: "success" })).toBe(4);
    expect(moved(before, after, "cartograph_router_subgraph_fetch_duration_seconds", { subgraph: "shelf" })).toBe(4);
  });

  it("counts a trusted document refused before Apollo Server runs it", async () => {
    const before = await metricsOf(shelf);
    expect((await shelf.post({ documentId: `sha256:${"0".repeat(64)}` })).status).toBe(400);
    const after = await metricsOf(shelf);
    expect(
      moved(before, after, "cartograph_router_operation_errors_total", {
        operation_name: "other",
        code: "PERSISTED_QUERY_NOT_FOUND",
      }),
    ).toBe(1);
  });

  it("counts a failed subgraph fetch by its outcome, and identical fetches joined in flight", async () => {
    shelf.behave("flaky"); // its first answer is a 503, the next one a success (no retries here)
    const before = await metricsOf(shelf);
    const failed = await shelf.post({ query: "{ shelf { id } }" });
    expect(failed.body.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
    expect((await shelf.post({ query: "{ shelf { id } }" })).body.errors).toBeUndefined();
    shelf.behave("answer");
    shelf.calls.length = 0;
    await Promise.all(Array.from({ length: 3 }, () => shelf.post({ query: "{ shelf { name } }" })));
    expect(shelf.calls).toHaveLength(1);
    const after = await metricsOf(shelf);

    expect(moved(before, after, FETCHES, { subgraph: "shelf", outcome: "failed" })).toBe(1);
    // The second query, and the three joined ones (each counted with the answer it shared).
    expect(moved(before, after, FETCHES, { subgraph: "shelf", outcome: "success" })).toBe(4);
    expect(moved(before, after, "cartograph_router_subgraph_retries_total", { subgraph: "shelf" })).toBe(0);
    expect(moved(before, after, "cartograph_router_subgraph_fetches_deduplicated_total", { subgraph: "shelf" })).toBe(
      2,
    );
    expect(moved(before, after, "cartograph_router_operation_errors_total", { code: "SERVICE_UNAVAILABLE" })).toBe(1);
  });

  it("follows the open WebSocket connections", async () => {
    const connections = async () => (await metricsOf(shelf)).sum("cartograph_router_websocket_connections");
    const open = await connections();
    const socket = new WebSocket(shelf.router.url.replace(/^http/, "ws"), "graphql-transport-ws");
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    await waitFor(async () => (await connections()) === open + 1, { what: "the socket to be counted" });
    socket.close();
    await waitFor(async () => (await connections()) === open, { what: "the socket to be forgotten" });
  });

  it("keeps every label bounded: many distinct operation names, aliases and bad fields add no series", async () => {
    // One of each kind first, so every series those requests may touch exists before counting.
    await shelf.post({ query: "query Warm { warm: shelf { id } }" });
    await shelf.post({ query: "query Warm { nothingHere }" });
    const before = await metricsOf(shelf);
    const token = () => `Zq${randomBytes(6).toString("hex")}`;
    const sent: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const [name, alias, field] = [token(), token(), token()];
      sent.push(name, alias, field);
      await shelf.post({ query: `query ${name} { ${alias}: shelf { id } }` });
      await shelf.post({ query: `query ${name} { ${field} }` });
    }
    const after = await metricsOf(shelf);

    expect(after.labelValues(OPERATIONS, "operation_name")).toEqual(new Set(["Shelf", "other"]));
    expect(moved(before, after, OPERATIONS, { operation_name: "other" })).toBe(80);
    expect(after.allLabelValues().filter((value) => sent.some((text) => value.includes(text)))).toEqual([]);
    // The same series as before: nothing new was created by those requests.
    expect(after.seriesCount("cartograph_router_")).toBe(before.seriesCount("cartograph_router_"));
  });
});

describe("the router's /metrics, when it refuses work", () => {
  let shelf: ShelfRouter;
  beforeAll(async () => {
    shelf = await startShelfRouter({
      // `{ shelf { id } }` costs 10 points, `{ mine }` nothing.
      THROTTLE_MAX_POINTS: "5",
      THROTTLE_RESTORE_RATE: "1",
      SUBGRAPH_BREAKER_FAILURES: "1",
      SUBGRAPH_BREAKER_OPEN_MS: "600000",
      SUBGRAPH_RETRY_RATIO: "0",
    });
  });
  afterAll(() => shelf?.close());

  it("counts cost throttling refusals by the kind of client", async () => {
    const before = await metricsOf(shelf);
    expect((await shelf.post({ query: "{ shelf { id } }" })).status).toBe(429);
    expect((await shelf.post({ query: "{ shelf { id } }" }, shelf.tokens.customer())).status).toBe(429);
    const after = await metricsOf(shelf);
    const throttled = "cartograph_router_throttled_operations_total";
    expect(moved(before, after, throttled, { client: "anonymous" })).toBe(1);
    expect(moved(before, after, throttled, { client: "signed_in" })).toBe(1);
    expect(moved(before, after, "cartograph_router_operation_errors_total", { code: "RATE_LIMITED" })).toBe(2);
  });

  it("counts fetches failed fast while a subgraph's circuit is open, and shows the circuit open", async () => {
    shelf.behave("flaky");
    const before = await metricsOf(shelf);
    await shelf.post({ query: "{ mine }" }); // a 503: the one failure that opens the circuit
    await shelf.post({ query: "{ mine }" });
    const after = await metricsOf(shelf);
    expect(moved(before, after, FETCHES, { subgraph: "shelf", outcome: "failed" })).toBe(1);
    expect(moved(before, after, FETCHES, { subgraph: "shelf", outcome: "circuit_open" })).toBe(1);
    expect(after.sum("cartograph_router_subgraph_circuit_open", { subgraph: "shelf" })).toBe(1);
    expect(shelf.calls).toHaveLength(1);
  });
});
