import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createCartographClient, type CartographClient, type OrderStatusChangedSubscription } from "@cartograph/client";
import { TEST_ROUTER_SECRET, uniqueEmail, waitFor } from "@cartograph/testing";
import WebSocket from "ws";
import { E2E_ADMIN, startPlatform, type Platform } from "./platform";

/**
 * The whole platform traced into an OTLP/HTTP receiver in this test: one checkout through the
 * router is one trace, from the router through orders, RabbitMQ, inventory and payments back to
 * orders and to a subscriber's push at the router, and its spans form one tree.
 */

type Kind = "internal" | "server" | "client" | "producer" | "consumer";
const KINDS: Record<number, Kind> = { 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer" };

interface ReceivedSpan {
  service: string;
  name: string;
  kind: Kind | "unspecified";
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}
interface OtlpJsonTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        attributes?: OtlpAttribute[];
      }>;
    }>;
  }>;
}

function attributesOf(list: OtlpAttribute[] = []): Record<string, unknown> {
  return Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue ?? null,
    ]),
  );
}

/** An OTLP/HTTP receiver for `http/json`: keeps every span it is sent. */
async function startReceiver(): Promise<{ endpoint: string; spans: ReceivedSpan[]; close: () => Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.url === "/v1/traces") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpJsonTraces;
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)["service.name"]);
          for (const scope of resourceSpans.scopeSpans ?? [])
            for (const span of scope.spans ?? [])
              spans.push({
                service,
                name: span.name,
                kind: KINDS[span.kind ?? 0] ?? "unspecified",
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                attributes: attributesOf(span.attributes),
              });
        }
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let platform: Platform;
let live: CartographClient | undefined;

beforeAll(async () => {
  receiver = await startReceiver();
  platform = await startPlatform({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "100",
      // Consumers log each event they apply at debug: those lines must name their trace.
      LOG_LEVEL: "debug",
    },
  });
}, 240_000);
afterAll(async () => {
  await live?.dispose();
  await platform?.stop();
  await receiver?.close();
});

/** The spans of one trace received so far. */
const traceOf = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);

/** The spans whose parent is not among them: a single tree has exactly one, with no parent at all. */
function rootsOf(spans: ReceivedSpan[]): ReceivedSpan[] {
  const ids = new Set(spans.map((span) => span.spanId));
  return spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
}

function ancestorsOf(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ancestors: ReceivedSpan[] = [];
  for (let parent = byId.get(span.parentSpanId ?? ""); parent; parent = byId.get(parent.parentSpanId ?? ""))
    ancestors.push(parent);
  return ancestors;
}

const has = (spans: ReceivedSpan[], service: string, kind: Kind, name: string) =>
  spans.some((span) => span.service === `cartograph-${service}` && span.kind === kind && span.name === name);

/** What one paid checkout, watched by a subscriber, must have left in its trace. */
const SAGA: Array<[service: string, kind: Kind, name: string]> = [
  ["orders", "producer", "publish order.placed"],
  ["inventory", "consumer", "process order.placed"],
  ["payments", "consumer", "process order.placed"],
  ["inventory", "producer", "publish inventory.reserved"],
  ["orders", "consumer", "process inventory.reserved"],
  ["payments", "consumer", "process inventory.reserved"],
  ["payments", "producer", "publish payment.succeeded"],
  ["orders", "consumer", "process payment.succeeded"],
  ["orders", "producer", "publish order.status_changed"],
  ["router", "consumer", "process order.status_changed"],
  ["orders", "producer", "publish order.paid"],
  ["inventory", "consumer", "process order.paid"],
];

describe("one trace per checkout", () => {
  it("covers the router, orders, RabbitMQ, inventory, payments and the subscriber's push, as one tree", async () => {
    const admin = platform.client((await platform.client().Login(E2E_ADMIN)).login.accessToken);
    const { products } = await platform.client().ProductListing({ first: 1 });
    const variantId = (await admin.VariantStock({ slug: products.nodes[0]!.slug })).product!.variants[0]!.id;
    expect((await admin.SetStock({ variantId, onHand: 5 })).setStock.userErrors).toEqual([]);
    const { register } = await platform
      .client()
      .Register({ input: { email: uniqueEmail("traced"), password: "password123", name: "Traced" } });
    const shopper = platform.client(register.accessToken);
    live = createCartographClient({
      url: platform.routerUrl,
      accessToken: register.accessToken,
      webSocketImpl: WebSocket,
    });
    expect((await shopper.CartAddLine({ variantId, quantity: 1 })).cartAddLine.userErrors).toEqual([]);

    // Inventory is held back so the order is still PENDING when the subscription starts: every
    // later status then reaches the subscriber as a push.
    expect(await platform.stopService("inventory")).toBe(0);
    let updates: AsyncIterator<unknown>;
    const statuses: string[] = [];
    const nextStatus = async () => {
      const step = await updates.next();
      statuses.push((step.value as OrderStatusChangedSubscription).orderStatusChanged.status);
    };
    try {
      const { checkout } = await shopper.Checkout({
        input: {
          shippingAddress: { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
          paymentToken: "tok_visa",
          idempotencyKey: randomUUID(),
        },
      });
      expect(checkout.userErrors).toEqual([]);
      updates = live.OrderStatusChanged({ orderId: checkout.order!.id })[Symbol.asyncIterator]();
      await nextStatus();
    } finally {
      await platform.startService("inventory");
    }
    await nextStatus();
    await nextStatus();
    await updates.return?.();
    expect(statuses).toEqual(["PENDING", "RESERVED", "PAID"]);

    const checkoutRequest = await waitFor(
      () => receiver.spans.find((span) => span.attributes["graphql.operation.name"] === "Checkout"),
      { what: "the router's span of the Checkout operation" },
    );
    const { traceId } = checkoutRequest;
    const trace = await waitFor(
      () => {
        const spans = traceOf(traceId);
        const complete = SAGA.every(([service, kind, name]) => has(spans, service, kind, name));
        return complete && rootsOf(spans).length === 1 && spans;
      },
      { timeoutMs: 30_000, what: "the checkout's trace to be complete and one tree" },
    ).catch(() => traceOf(traceId)); // the assertions below say what is missing

    for (const [service, kind, name] of SAGA)
      expect([service, kind, name, has(trace, service, kind, name)]).toEqual([service, kind, name, true]);
    const services = new Set(trace.map((span) => span.service));
    for (const service of ["router", "orders", "inventory", "payments"])
      expect(services).toContain(`cartograph-${service}`);

    // One tree: a single root, the router's server span, and every other span's parent is in the trace.
    const roots = rootsOf(trace);
    expect(roots.map((span) => [span.service, span.kind, span.parentSpanId])).toEqual([
      ["cartograph-router", "server", undefined],
    ]);

    // The router's side: the operation, its plan steps, and each subgraph fetch a client span
    // whose subgraph span (server) is its child.
    const routerSpans = trace.filter((span) => span.service === "cartograph-router");
    for (const name of ["gateway.request", "gateway.plan", "gateway.execute", "gateway.fetch"])
      expect(routerSpans.map((span) => span.name)).toContain(name);
    const fetches = routerSpans.filter((span) => span.kind === "client");
    expect(fetches.length).toBeGreaterThan(0);
    const served = trace.filter(
      (span) => span.kind === "server" && fetches.some((f) => f.spanId === span.parentSpanId),
    );
    expect(new Set(served.map((span) => span.service))).toContain("cartograph-orders");

    // Consumers are children of producers, across the broker.
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    for (const consumer of trace.filter((span) => span.kind === "consumer"))
      expect([consumer.name, byId.get(consumer.parentSpanId!)?.kind]).toEqual([consumer.name, "producer"]);

    // The pushes: the router resolved PAID for the subscriber (orders, payments, products fetched)
    // under the consumer span of the order.status_changed that carried it.
    const pushFetches = fetches.filter((fetch) =>
      ancestorsOf(fetch, trace).some(
        (span) => span.kind === "consumer" && span.name === "process order.status_changed",
      ),
    );
    expect(pushFetches.length).toBeGreaterThan(0);

    // Log lines of that work carry its trace id.
    const appliedLines = platform.services
      .payments!.output()
      .split("\n")
      .filter((line) => line.includes('"event applied"') && line.includes(`"trace_id":"${traceId}"`));
    expect(appliedLines.length).toBeGreaterThan(0);
  });

  it("honours a client's traceparent, and names the trace in `traceresponse` at the router and a subgraph", async () => {
    const traceId = randomBytes(16).toString("hex");
    const clientSpanId = randomBytes(8).toString("hex");
    const response = await fetch(platform.routerUrl, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-${clientSpanId}-01` },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("traceresponse")).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const server = await waitFor(
      () => traceOf(traceId).find((span) => span.service === "cartograph-router" && span.kind === "server"),
      { what: "the router's span of the request" },
    );
    expect(server.parentSpanId).toBe(clientSpanId);

    const subgraph = await fetch(`${platform.services.products!.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-cartograph-router-secret": TEST_ROUTER_SECRET },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(subgraph.status).toBe(200);
    expect(subgraph.headers.get("traceresponse")).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // Probes are not traced, so they name no trace.
    expect((await fetch(`${platform.services.products!.baseUrl}/healthz`)).headers.get("traceresponse")).toBeNull();
  });
});
