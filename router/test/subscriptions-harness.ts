import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as pause } from "node:timers/promises";
import { composeServices } from "@apollo/composition";
import { buildSubgraphSchema } from "@apollo/subgraph";
import {
  forbidden,
  REQUEST_ID_HEADER,
  ROUTER_SECRET_HEADER,
  secretsMatch,
  unauthenticated,
} from "@cartograph/service-kit";
import { bearerToken, hasRole, Role, type AccessTokenVerifier, type Viewer } from "@cartograph/service-kit/auth";
import { TEST_ROUTER_SECRET } from "@cartograph/testing";
import { graphql, GraphQLError, parse, type GraphQLSchema } from "graphql";

/** One call a subgraph received from the router: what it asked and what it carried. */
export interface ReceivedCall {
  query: string;
  authorization: string | undefined;
  requestId: string | undefined;
}

export interface CountingServer {
  url: string;
  calls: ReceivedCall[];
  entityCalls: () => number;
  close: () => Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function listen(
  handler: (body: string, req: http.IncomingMessage) => Promise<{ status: number; body: string }>,
  calls: ReceivedCall[],
): Promise<CountingServer> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      try {
        calls.push({
          query: (JSON.parse(body) as { query: string }).query,
          authorization: req.headers.authorization,
          requestId: req.headers[REQUEST_ID_HEADER] as string | undefined,
        });
      } catch {
        // not JSON: the handler answers
      }
      const answer = await handler(body, req);
      res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    calls,
    entityCalls: () => calls.filter((call) => call.query.includes("_entities")).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Forwards to a real subgraph and records the calls (counts the products `_entities` calls). */
export function startCountingProxy(targetUrl: string): Promise<CountingServer> {
  return listen(async (body, req) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    for (const name of ["authorization", ROUTER_SECRET_HEADER, REQUEST_ID_HEADER]) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const response = await fetch(targetUrl, { method: "POST", headers, body });
    return { status: response.status, body: await response.text() };
  }, []);
}

export const ORDERS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Order @key(fields: "id") { id: ID!  number: String!  status: OrderStatus!  lines: [OrderLine!]! }
type OrderLine { quantity: Int!  variant: ProductVariant! }
type ProductVariant @key(fields: "id", resolvable: false) { id: ID! }
enum OrderStatus { PENDING RESERVED PAID SHIPPED DELIVERED CANCELLED REFUNDED }
type Query { order(id: ID!): Order }
`;

export interface StoredOrder {
  id: string;
  userId: string;
  number: string;
  status: string;
  lines: Array<{ quantity: number; variantId: string }>;
}

interface OrdersContext {
  viewer: Viewer | null;
}

/** The owner or an admin, as the real orders subgraph decides it. */
function visibleOrder(order: StoredOrder | undefined, { viewer }: OrdersContext): StoredOrder | null {
  if (!order) return null;
  if (!viewer) throw unauthenticated();
  if (viewer.userId !== order.userId && !hasRole(viewer, Role.ADMIN))
    throw forbidden("You can only see your own orders.");
  return order;
}

function ordersSchema(orders: Map<string, StoredOrder>): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(ORDERS_SDL),
    resolvers: {
      Query: {
        order: (_: unknown, { id }: { id: string }, context: OrdersContext) => visibleOrder(orders.get(id), context),
      },
      Order: {
        __resolveReference: (reference: { id: string }, context: OrdersContext) =>
          visibleOrder(orders.get(reference.id), context),
        lines: (order: StoredOrder) =>
          order.lines.map((line) => ({
            quantity: line.quantity,
            variant: { __typename: "ProductVariant", id: line.variantId },
          })),
      },
    } as never,
  });
}

/** A stand-in orders subgraph (the real one is being built): owner checks, router secret required. */
export async function startStandInOrders(
  verifier: AccessTokenVerifier,
): Promise<CountingServer & { orders: Map<string, StoredOrder> }> {
  const orders = new Map<string, StoredOrder>();
  const schema = ordersSchema(orders);
  const errorBody = (error: GraphQLError) => JSON.stringify({ errors: [error.toJSON()] });
  const server = await listen(async (body, req) => {
    if (!secretsMatch(req.headers[ROUTER_SECRET_HEADER] as string | undefined, TEST_ROUTER_SECRET))
      return { status: 403, body: errorBody(forbidden("Router only.")) };
    let viewer: Viewer | null = null;
    try {
      const token = bearerToken(req.headers.authorization);
      viewer = token ? await verifier.verify(token) : null;
    } catch (error) {
      return { status: 401, body: errorBody(error as GraphQLError) };
    }
    const { query, variables, operationName } = JSON.parse(body) as {
      query: string;
      variables?: Record<string, unknown>;
      operationName?: string;
    };
    const result = await graphql({
      schema,
      source: query,
      variableValues: variables ?? {},
      operationName: operationName ?? null,
      contextValue: { viewer },
    });
    return {
      status: 200,
      body: JSON.stringify({
        data: result.data ?? null,
        ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
      }),
    };
  }, []);
  return { ...server, orders };
}

/** events.graphql + the stand-in orders + the real products SDL, composed into a temp supergraph file. */
export function composeTestSupergraph(urls: { orders: string; products: string }): string {
  const repo = path.resolve(__dirname, "../..");
  const result = composeServices([
    {
      name: "events",
      url: "http://events.invalid/graphql",
      typeDefs: parse(readFileSync(path.join(repo, "router/events.graphql"), "utf8")),
    },
    { name: "orders", url: urls.orders, typeDefs: parse(ORDERS_SDL) },
    {
      name: "products",
      url: urls.products,
      typeDefs: parse(readFileSync(path.join(repo, "subgraphs/products/schema.graphql"), "utf8")),
    },
  ]);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join("; ")}`);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "cartograph-router-")), "supergraph.graphql");
  writeFileSync(file, result.supergraphSdl);
  return file;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}
