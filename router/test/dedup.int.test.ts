import http from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as pause } from "node:timers/promises";
import { composeServices } from "@apollo/composition";
import { buildSubgraphSchema, printSubgraphSchema } from "@apollo/subgraph";
import { createLogger, parseConfig } from "@cartograph/service-kit";
import { createTestTokens, RABBITMQ_URL, TEST_ROUTER_SECRET, uniqueTopologyName } from "@cartograph/testing";
import { execute, parse } from "graphql";
import { routerEnvSchema } from "../src/config";
import { startRouter, type RunningRouter } from "../src/server";

// A subgraph that answers slowly, so identical requests overlap in flight, and counts its calls.
const schema = buildSubgraphSchema({
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { shelf: [Item!]! mine: String }
    type Mutation { restock: Int! }
    type Item @key(fields: "id") { id: ID! name: String! }`),
  resolvers: {
    Query: { shelf: () => [{ id: "1", name: "Kettle" }], mine: () => "whoever asked" },
    Mutation: { restock: () => 1 },
  },
});
const calls: Array<{ query: string; authorization: string | undefined }> = [];
let subgraph: http.Server;
let router: RunningRouter;
const tokens = createTestTokens();

beforeAll(async () => {
  subgraph = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const { query, variables } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        query: string;
        variables?: Record<string, unknown>;
      };
      calls.push({ query, authorization: req.headers.authorization });
      await pause(200);
      const result = await execute({ schema, document: parse(query), variableValues: variables });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => subgraph.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}/graphql`;
  const composed = composeServices([{ name: "shelf", url, typeDefs: parse(printSubgraphSchema(schema)) }]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join("; "));
  const supergraph = path.join(mkdtempSync(path.join(os.tmpdir(), "dedup-")), "supergraph.graphql");
  writeFileSync(supergraph, composed.supergraphSdl);
  router = await startRouter({
    config: parseConfig(routerEnvSchema, {
      NODE_ENV: "test",
      PORT: "0",
      LOG_LEVEL: "silent",
      SUPERGRAPH_PATH: supergraph,
      ROUTER_SECRET: TEST_ROUTER_SECRET,
      RABBITMQ_URL,
      EVENTS_EXCHANGE: uniqueTopologyName("dedup"),
      EVENTS_QUEUE_NAMESPACE: uniqueTopologyName("dedup"),
      ROUTER_DEDUP: "on",
    }),
    log: createLogger("dedup-test", "silent"),
    verifier: tokens.verifier,
  });
});
afterAll(async () => {
  await router?.stop();
  await new Promise((resolve) => subgraph?.close(resolve));
});
beforeEach(() => {
  calls.length = 0;
});

const post = (query: string, token?: string) =>
  fetch(router.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  }).then((response) => response.json() as Promise<{ data?: Record<string, unknown>; errors?: unknown[] }>);

describe("in-flight deduplication of subgraph fetches", () => {
  it("sends identical concurrent queries of one caller once, and each gets the whole answer", async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => post("{ shelf { id name } }")));
    expect(answers).toEqual(Array.from({ length: 5 }, () => ({ data: { shelf: [{ id: "1", name: "Kettle" }] } })));
    expect(calls).toHaveLength(1);
  });

  it("never joins two callers: identical queries with different tokens are sent once each", async () => {
    const [alice, bob] = [tokens.customer(), tokens.customer()];
    await Promise.all([post("{ mine }", alice), post("{ mine }", bob), post("{ mine }", alice)]);
    expect(calls.map((call) => call.authorization).sort()).toEqual([`Bearer ${alice}`, `Bearer ${bob}`].sort());
  });

  it("never deduplicates a mutation", async () => {
    const answers = await Promise.all(Array.from({ length: 3 }, () => post("mutation { restock }")));
    expect(answers.every((answer) => (answer.data as { restock: number }).restock === 1)).toBe(true);
    expect(calls).toHaveLength(3);
  });
});
