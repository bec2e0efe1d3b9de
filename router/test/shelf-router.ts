import http from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as pause } from "node:timers/promises";
import { composeServices } from "@apollo/composition";
import { buildSubgraphSchema, printSubgraphSchema } from "@apollo/subgraph";
import { createLogger, parseConfig } from "@cartograph/service-kit";
import {
  createTestTokens,
  RABBITMQ_URL,
  TEST_ROUTER_SECRET,
  uniqueTopologyName,
  type TestTokens,
} from "@cartograph/testing";
import { execute, parse } from "graphql";
import { routerEnvSchema } from "../src/config";
import { startRouter, type RunningRouter } from "../src/server";

// A one-subgraph supergraph whose subgraph answers slowly (so identical requests overlap in
// flight) and counts its calls, with a router in front: for the router's own behaviour.
const schema = buildSubgraphSchema({
  typeDefs:
    parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@authenticated", "@requiresScopes"])
    type Query {
      shelf: [Item!]!
      mine: String
      ledger: Ledger @authenticated
      vault: String! @requiresScopes(scopes: [["ADMIN"]])
    }
    type Mutation { restock: Int!  clearShelf: Int @requiresScopes(scopes: [["ADMIN"]]) }
    type Item @key(fields: "id") { id: ID! name: String! cost: Int @requiresScopes(scopes: [["ADMIN"]]) }
    type Ledger { owner: String  total: Int! @requiresScopes(scopes: [["ADMIN"]])  audit: String @requiresScopes(scopes: [["ADMIN"]]) }`),
  resolvers: {
    Query: {
      shelf: () => [{ id: "1", name: "Kettle", cost: 7 }],
      mine: () => "whoever asked",
      ledger: () => ({ owner: "the shop", total: 42, audit: "clean" }),
      vault: () => "gold",
    },
    Mutation: { restock: () => 1, clearShelf: () => 0 },
  },
});

/** How the shelf subgraph behaves: answers, hangs (never answers), or fails every other call with 503. */
export type ShelfBehaviour = "answer" | "hang" | "flaky";

export interface ShelfRouter {
  router: RunningRouter;
  behave: (behaviour: ShelfBehaviour) => void;
  tokens: TestTokens;
  /** What the subgraph received, in order. */
  calls: Array<{ query: string; authorization: string | undefined }>;
  post: (
    body: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; headers: Headers; body: GraphQLBody; cost: unknown }>;
  close: () => Promise<void>;
}

export interface GraphQLBody {
  data?: Record<string, unknown>;
  errors?: Array<{ message: string; extensions?: { code?: string; [key: string]: unknown } }>;
  extensions?: Record<string, unknown>;
}

export async function startShelfRouter(env: Record<string, string> = {}): Promise<ShelfRouter> {
  const calls: ShelfRouter["calls"] = [];
  let behaviour: ShelfBehaviour = "answer";
  let flakyTurn = 0;
  const subgraph = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const { query, variables } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        query: string;
        variables?: Record<string, unknown>;
      };
      calls.push({ query, authorization: req.headers.authorization });
      if (behaviour === "hang") return; // the socket stays open and silent
      if (behaviour === "flaky" && flakyTurn++ % 2 === 0) {
        res.writeHead(503, { "content-type": "text/plain" }).end("overloaded");
        return;
      }
      await pause(200);
      const result = await execute({ schema, document: parse(query), variableValues: variables });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => subgraph.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}/graphql`;
  const composed = composeServices([{ name: "shelf", url, typeDefs: parse(printSubgraphSchema(schema)) }]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join("; "));
  const supergraph = path.join(mkdtempSync(path.join(os.tmpdir(), "shelf-")), "supergraph.graphql");
  writeFileSync(supergraph, composed.supergraphSdl);
  const tokens = createTestTokens();
  const router = await startRouter({
    config: parseConfig(routerEnvSchema, {
      NODE_ENV: "test",
      PORT: "0",
      METRICS_PORT: "0",
      LOG_LEVEL: "silent",
      SUPERGRAPH_PATH: supergraph,
      ROUTER_SECRET: TEST_ROUTER_SECRET,
      RABBITMQ_URL,
      EVENTS_EXCHANGE: uniqueTopologyName("shelf"),
      EVENTS_QUEUE_NAMESPACE: uniqueTopologyName("shelf"),
      ...env,
    }),
    log: createLogger("shelf-router-test", "silent"),
    verifier: tokens.verifier,
  });
  return {
    router,
    behave: (next) => {
      behaviour = next;
    },
    tokens,
    calls,
    post: async (body, token, headers = {}) => {
      const response = await fetch(router.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify(body),
      });
      // What the request cost is set apart: most tests are about the rest of the body.
      const { extensions, ...rest } = (await response.json()) as GraphQLBody & { extensions?: { cost?: unknown } };
      const { cost, ...otherExtensions } = extensions ?? {};
      return {
        status: response.status,
        headers: response.headers,
        body: Object.keys(otherExtensions).length > 0 ? { ...rest, extensions: otherExtensions } : rest,
        cost,
      };
    },
    close: async () => {
      await router.stop();
      subgraph.closeAllConnections();
      await new Promise((resolve) => subgraph.close(resolve));
    },
  };
}
