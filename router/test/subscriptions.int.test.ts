import { randomUUID } from "node:crypto";
import { connect, type ChannelModel } from "amqplib";
import { connectBroker, type Broker, type EventEnvelope } from "@cartograph/events";
import { createLogger, parseConfig } from "@cartograph/service-kit";
import { Role } from "@cartograph/service-kit/auth";
import {
  PRODUCTS_SERVICE_DIR,
  productsEnvSchema,
  productsTables,
  startProductsSubgraph,
  type ProductsConfig,
  type ProductsSubgraph,
} from "@cartograph/products";
import {
  callSubgraph,
  RABBITMQ_URL,
  startSubgraphHarness,
  TEST_ROUTER_SECRET,
  uniqueTopologyName,
  type SubgraphHarness,
} from "@cartograph/testing";
import { createClient, type Client, type ExecutionResult } from "graphql-ws";
import WebSocket from "ws";
import { routerEnvSchema } from "../src/config";
import { startRouter, type RunningRouter } from "../src/server";
import { EVENT_RETRY_DELAYS_MS } from "../src/subscriptions";
import {
  composeTestSupergraph,
  startCountingProxy,
  startStandInOrders,
  waitFor,
  type CountingServer,
  type StoredOrder,
} from "./subscriptions-harness";

type StatusEvent = EventEnvelope<"order.status_changed">;

const log = createLogger("router-test", process.env.TEST_LOG_LEVEL ?? "silent");
const exchange = uniqueTopologyName("router");

/** A product with one variant, created through the products subgraph as an admin would. */
async function createProduct(name: string, sku: string): Promise<{ id: string; variants: Array<{ id: string }> }> {
  const result = await callSubgraph<{
    createProduct: { product: { id: string; variants: Array<{ id: string }> } | null };
  }>(
    products.url,
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { message } } }`,
    {
      input: {
        name,
        description: "A product.",
        variants: [{ sku: `${sku}-${randomUUID().slice(0, 8)}`, title: "Default", price: "10.00" }],
      },
    },
    { accessToken: products.tokens.admin() },
  );
  if (!result.data?.createProduct.product) throw new Error(`createProduct failed: ${JSON.stringify(result)}`);
  return result.data.createProduct.product;
}

let products: SubgraphHarness<typeof productsTables, ProductsConfig, ProductsSubgraph>;
let productsProxy: CountingServer;
let orders: Awaited<ReturnType<typeof startStandInOrders>>;
let supergraphPath: string;
let router: RunningRouter;
let publisher: Broker;
let amqp: ChannelModel;
let variants: Array<{ id: string; productName: string }>;
const clients: Client[] = [];

function routerFor(namespace = uniqueTopologyName("router"), extra: Record<string, string> = {}) {
  const config = parseConfig(routerEnvSchema, {
    NODE_ENV: "test",
    PORT: "0",
    METRICS_PORT: "0",
    LOG_LEVEL: "silent",
    SUPERGRAPH_PATH: supergraphPath,
    ROUTER_SECRET: TEST_ROUTER_SECRET,
    RABBITMQ_URL,
    EVENTS_EXCHANGE: exchange,
    EVENTS_QUEUE_NAMESPACE: namespace,
    ...extra,
  });
  return startRouter({
    config,
    log,
    env: { SUBGRAPH_ORDERS_URL: orders.url, SUBGRAPH_PRODUCTS_URL: productsProxy.url },
    verifier: products.tokens.verifier,
  });
}

beforeAll(async () => {
  products = await startSubgraphHarness({
    label: "products",
    serviceDir: PRODUCTS_SERVICE_DIR,
    dbSchema: productsTables,
    parseConfig: (env) => parseConfig(productsEnvSchema, env),
    start: startProductsSubgraph,
  });
  productsProxy = await startCountingProxy(products.url);
  orders = await startStandInOrders(products.tokens.verifier);
  supergraphPath = composeTestSupergraph({ orders: orders.url, products: productsProxy.url });
  const lamp = await createProduct("Brass Desk Lamp", "LAMP");
  const chair = await createProduct("Oak Chair", "CHAIR");
  variants = [
    { id: lamp.variants[0]!.id, productName: "Brass Desk Lamp" },
    { id: chair.variants[0]!.id, productName: "Oak Chair" },
  ];
  router = await routerFor();
  publisher = connectBroker({ url: RABBITMQ_URL, log, exchange });
  amqp = await connect(RABBITMQ_URL);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await router?.stop();
  await publisher?.close();
  if (amqp) {
    const channel = await amqp.createChannel();
    await channel.deleteExchange(exchange);
    await amqp.close();
  }
  await orders?.close();
  await productsProxy?.close();
  await products?.close();
});

const wsUrl = () => router.url.replace(/^http/, "ws");

function connectAs(authorization?: string, url = wsUrl()): Client {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: authorization ? { authorization } : {},
  });
  clients.push(client);
  return client;
}

/** A subscription's results, its error (a GraphQL error list or a close event) and completion. */
function follow(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const state = { results: [] as ExecutionResult[], error: undefined as unknown, completed: false };
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (result) => void state.results.push(result as ExecutionResult),
      error: (error) => void (state.error = error),
      complete: () => void (state.completed = true),
    },
  );
  return { state, dispose };
}

function newOrder(userId: string): StoredOrder {
  const order = {
    id: `ord_${randomUUID()}`,
    userId,
    number: `#${Math.floor(Math.random() * 1e6)}`,
    status: "PENDING",
    lines: variants.map((v, i) => ({ quantity: i + 1, variantId: v.id })),
  };
  orders.orders.set(order.id, order);
  return order;
}

function statusEvent(
  order: StoredOrder,
  status: string,
  previousStatus: string | null,
  reason: string | null = null,
): StatusEvent {
  return {
    id: randomUUID(),
    type: "order.status_changed",
    occurredAt: new Date().toISOString(),
    aggregateId: order.id,
    version: 1,
    data: {
      orderId: order.id,
      userId: order.userId,
      status: status as never,
      previousStatus: previousStatus as never,
      reason,
      at: new Date().toISOString(),
    },
  };
}

/** Whether a queue exists; the router's is exclusive, so another connection sees it as locked (405). */
async function queueExists(name: string): Promise<boolean> {
  const channel = await amqp.createChannel();
  channel.on("error", () => undefined);
  try {
    await channel.checkQueue(name);
    await channel.close();
    return true;
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code !== 404 && code !== 405) throw error;
    return code === 405;
  }
}

const STATUS_WITH_ORDER = `subscription Follow($id: ID!) {
  orderStatusChanged(orderId: $id) {
    orderId status previousStatus reason at
    order { id number lines { quantity variant { id product { name } } } }
  }
}`;

const subscribers = () => router.subscriptionStats().subscribers;

describe("orderStatusChanged over WebSocket", () => {
  it("pushes PENDING -> RESERVED -> PAID to the owner, each with the order resolved across orders and products, and frees the binding on disconnect", async () => {
    const ownerId = `usr_${randomUUID()}`;
    const order = newOrder(ownerId);
    const other = newOrder(ownerId);
    const token = products.tokens.customer(ownerId);
    const client = connectAs(`Bearer ${token}`);
    const { state } = follow(client, STATUS_WITH_ORDER, { id: order.id });
    await waitFor(() => subscribers() === 1, "the subscription to be live");
    expect(router.subscriptionStats().boundTypes).toEqual(["order.status_changed"]);
    const ordersEntitiesBefore = orders.entityCalls();
    const productsEntitiesBefore = productsProxy.entityCalls();

    await publisher.publish("order.status_changed", Buffer.from("not an event"));
    await publisher.publishEvent(statusEvent(other, "RESERVED", "PENDING"));
    // Defence in depth: an event naming another user is never delivered, whatever its order id.
    await publisher.publishEvent(statusEvent({ ...order, userId: `usr_${randomUUID()}` }, "CANCELLED", "PENDING"));
    await publisher.publishEvent(statusEvent(order, "PENDING", null));
    await publisher.publishEvent(statusEvent(order, "RESERVED", "PENDING"));
    await publisher.publishEvent(statusEvent(order, "PAID", "RESERVED", "payment received"));
    await waitFor(() => state.results.length >= 3, "three events");

    const lines = [
      { quantity: 1, variant: { id: variants[0]!.id, product: { name: "Brass Desk Lamp" } } },
      { quantity: 2, variant: { id: variants[1]!.id, product: { name: "Oak Chair" } } },
    ];
    expect(state.results.map((result) => result.errors)).toEqual([undefined, undefined, undefined]);
    expect(state.results.map((result) => result.data)).toEqual([
      {
        orderStatusChanged: {
          orderId: order.id,
          status: "PENDING",
          previousStatus: null,
          reason: null,
          at: expect.any(String),
          order: { id: order.id, number: order.number, lines },
        },
      },
      {
        orderStatusChanged: {
          orderId: order.id,
          status: "RESERVED",
          previousStatus: "PENDING",
          reason: null,
          at: expect.any(String),
          order: { id: order.id, number: order.number, lines },
        },
      },
      {
        orderStatusChanged: {
          orderId: order.id,
          status: "PAID",
          previousStatus: "RESERVED",
          reason: "payment received",
          at: expect.any(String),
          order: { id: order.id, number: order.number, lines },
        },
      },
    ]);
    // One `_entities` call per subgraph per event, each carrying the subscriber's token and request id.
    expect(orders.entityCalls() - ordersEntitiesBefore).toBe(3);
    expect(productsProxy.entityCalls() - productsEntitiesBefore).toBe(3);
    const entityCalls = [...orders.calls, ...productsProxy.calls]
      .filter((call) => call.query.includes("_entities"))
      .slice(-6);
    expect(new Set(entityCalls.map((call) => call.authorization))).toEqual(new Set([`Bearer ${token}`]));
    expect(entityCalls.every((call) => call.requestId && call.requestId === entityCalls[0]!.requestId)).toBe(true);

    // Neither the other order's event nor the forged one arrived: a later event of this order,
    // handled after them (one subscriber's events are handled in order), comes right after PAID.
    await publisher.publishEvent(statusEvent(order, "SHIPPED", "PAID"));
    await waitFor(() => state.results.length >= 4, "the later event");
    expect(
      state.results.map((result) => (result.data?.orderStatusChanged as { status: string } | undefined)?.status),
    ).toEqual(["PENDING", "RESERVED", "PAID", "SHIPPED"]);

    const { queue } = router.subscriptionStats();
    expect(await queueExists(queue)).toBe(true);
    await client.dispose();
    await waitFor(() => subscribers() === 0, "the subscription to end");
    // Unbinding follows the last unsubscribe asynchronously.
    await waitFor(() => router.subscriptionStats().boundTypes.length === 0, "the binding to be removed");
    await waitFor(async () => !(await queueExists(queue)), "the router's queue to be deleted");
  });

  it("refuses another customer with FORBIDDEN at subscribe time, and they receive nothing", async () => {
    const order = newOrder(`usr_${randomUUID()}`);
    const { state } = follow(connectAs(`Bearer ${products.tokens.customer()}`), STATUS_WITH_ORDER, { id: order.id });
    await waitFor(() => state.error !== undefined, "the refusal");
    expect(state.error).toEqual([
      expect.objectContaining({ message: "You can only follow your own orders.", extensions: { code: "FORBIDDEN" } }),
    ]);
    expect(subscribers()).toBe(0);
    // An admin following the same order shows when the router has handled the event.
    const watcher = follow(
      connectAs(`Bearer ${products.tokens.admin()}`),
      `subscription($id: ID!) { orderStatusChanged(orderId: $id) { status } }`,
      { id: order.id },
    );
    await waitFor(() => subscribers() === 1, "the admin's subscription");
    await publisher.publishEvent(statusEvent(order, "RESERVED", "PENDING"));
    await waitFor(() => watcher.state.results.length === 1, "the event, delivered to the admin");
    expect(watcher.state.results).toEqual([{ data: { orderStatusChanged: { status: "RESERVED" } } }]);
    expect(state.results).toEqual([]);
    watcher.dispose();
    await waitFor(() => subscribers() === 0, "the admin's subscription to end");
  });

  it("refuses an unknown order as FORBIDDEN, like someone else's", async () => {
    const { state } = follow(connectAs(`Bearer ${products.tokens.customer()}`), STATUS_WITH_ORDER, {
      id: "ord_missing",
    });
    await waitFor(() => state.error !== undefined, "the refusal");
    expect(state.error).toEqual([expect.objectContaining({ extensions: { code: "FORBIDDEN" } })]);
  });

  it("lets an admin follow anyone's order", async () => {
    const order = newOrder(`usr_${randomUUID()}`);
    const { state, dispose } = follow(
      connectAs(`Bearer ${products.tokens.admin()}`),
      `subscription($id: ID!) { orderStatusChanged(orderId: $id) { status order { number } } }`,
      { id: order.id },
    );
    await waitFor(() => subscribers() === 1, "the admin's subscription");
    await publisher.publishEvent(statusEvent(order, "SHIPPED", "PAID"));
    await waitFor(() => state.results.length === 1, "the event");
    expect(state.results[0]).toEqual({
      data: { orderStatusChanged: { status: "SHIPPED", order: { number: order.number } } },
    });
    dispose();
    await waitFor(() => subscribers() === 0, "the subscription to end");
  });

  it("accepts an anonymous connection but refuses it a subscription to an order", async () => {
    const order = newOrder(`usr_${randomUUID()}`);
    const client = connectAs();
    let connected = false;
    client.on("connected", () => (connected = true));
    const { state } = follow(client, STATUS_WITH_ORDER, { id: order.id });
    await waitFor(() => state.error !== undefined, "the refusal");
    expect(connected).toBe(true);
    expect(state.error).toEqual([expect.objectContaining({ extensions: { code: "UNAUTHENTICATED" } })]);
  });

  it("refuses a bad token at connect, saying why", async () => {
    for (const [authorization, reason] of [
      ["Bearer not.a.token", "The access token is invalid or has expired."],
      ["Token abc", "The Authorization header must be `Bearer <accessToken>`."],
    ] as const) {
      const { state } = follow(connectAs(authorization), STATUS_WITH_ORDER, { id: "ord_x" });
      await waitFor(() => state.error !== undefined, "the refusal");
      expect(state.error).toMatchObject({ code: 4403, reason });
    }
  });

  it("reads the token from Authorization or headers.authorization in connectionParams", async () => {
    const ownerId = `usr_${randomUUID()}`;
    const order = newOrder(ownerId);
    for (const connectionParams of [
      { Authorization: `Bearer ${products.tokens.customer(ownerId)}` },
      { headers: { authorization: `Bearer ${products.tokens.customer(ownerId)}` } },
    ]) {
      const client = createClient({
        url: wsUrl(),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams,
      });
      clients.push(client);
      const { state, dispose } = follow(
        client,
        `subscription($id: ID!) { orderStatusChanged(orderId: $id) { status } }`,
        { id: order.id },
      );
      await waitFor(() => subscribers() === 1, "the subscription");
      await publisher.publishEvent(statusEvent(order, "DELIVERED", "SHIPPED"));
      await waitFor(() => state.results.length === 1, "the event");
      expect(state.results[0]).toEqual({ data: { orderStatusChanged: { status: "DELIVERED" } } });
      dispose();
      await waitFor(() => subscribers() === 0, "the subscription to end");
    }
  });

  it("answers invalid operations with errors and keeps the connection", async () => {
    const ownerId = `usr_${randomUUID()}`;
    const order = newOrder(ownerId);
    const client = connectAs(`Bearer ${products.tokens.customer(ownerId)}`);
    const deep = `subscription($id: ID!) { orderStatusChanged(orderId: $id) { order { ${"lines { variant { product { variants { ".repeat(4)} id ${"} } } } ".repeat(4)} } } }`;
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [`subscription { orderStatusChanged(orderId: "1") { nope } }`, {}, "GRAPHQL_VALIDATION_FAILED"],
      [`subscription { orderStatusChanged(`, {}, "GRAPHQL_PARSE_FAILED"],
      [`subscription($id: ID!) { orderStatusChanged(orderId: $id) { status } }`, {}, "BAD_USER_INPUT"],
      [`query { order(id: "1") { id } }`, {}, "BAD_REQUEST"],
      [deep, { id: order.id }, "OPERATION_TOO_COMPLEX"],
      [
        `subscription($id: ID!) { a: orderStatusChanged(orderId: $id) { status } b: orderStatusChanged(orderId: $id) { status } }`,
        { id: order.id },
        "GRAPHQL_VALIDATION_FAILED",
      ],
    ];
    for (const [query, variables, code] of cases) {
      const { state } = follow(client, query, variables);
      await waitFor(() => state.error !== undefined, `the error for ${query}`);
      expect(state.error).toEqual(expect.arrayContaining([expect.objectContaining({ extensions: { code } })]));
      expect(JSON.stringify(state.error)).not.toMatch(/stack|127\.0\.0\.1/);
    }
    // The same connection still serves a valid subscription.
    const { state, dispose } = follow(
      client,
      `subscription($id: ID!) { orderStatusChanged(orderId: $id) { status } }`,
      { id: order.id },
    );
    await waitFor(() => subscribers() === 1, "the subscription");
    await publisher.publishEvent(statusEvent(order, "CANCELLED", "PENDING", "out of stock"));
    await waitFor(() => state.results.length === 1, "the event");
    dispose();
    await waitFor(() => subscribers() === 0, "the subscription to end");
  });

  it("ends a subscription whose token has expired, with UNAUTHENTICATED", async () => {
    const ownerId = `usr_${randomUUID()}`;
    const order = newOrder(ownerId);
    // Expired 25 s ago, so still inside the verifiers' 30 s clock skew allowance: it connects now
    // and expires for good about five seconds later.
    const token = products.tokens.sign(ownerId, [Role.CUSTOMER], { expiresInSeconds: -25 });
    const client = connectAs(`Bearer ${token}`);
    const { state } = follow(client, `subscription($id: ID!) { orderStatusChanged(orderId: $id) { status } }`, {
      id: order.id,
    });
    await waitFor(() => subscribers() === 1, "the subscription");
    // Until the router's own verifier says the token has expired.
    await waitFor(
      () =>
        products.tokens.verifier.verify(token).then(
          () => false,
          () => true,
        ),
      "the token to expire",
      15_000,
    );
    await publisher.publishEvent(statusEvent(order, "RESERVED", "PENDING"));
    await waitFor(() => state.completed, "the subscription to end");
    expect(state.results).toEqual([
      {
        errors: [
          expect.objectContaining({
            message: expect.stringMatching(/expired/),
            extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" },
          }),
        ],
      },
    ]);
    await waitFor(() => subscribers() === 0, "the binding to go");
  });

  it("masks a subgraph failure in an event like over HTTP (after trying again), and keeps the subscription", async () => {
    const broken = await startRouter({
      config: parseConfig(routerEnvSchema, {
        NODE_ENV: "test",
        PORT: "0",
        METRICS_PORT: "0",
        LOG_LEVEL: "silent",
        SUPERGRAPH_PATH: supergraphPath,
        ROUTER_SECRET: TEST_ROUTER_SECRET,
        RABBITMQ_URL,
        EVENTS_EXCHANGE: exchange,
        EVENTS_QUEUE_NAMESPACE: uniqueTopologyName("router"),
      }),
      log,
      env: { SUBGRAPH_ORDERS_URL: orders.url, SUBGRAPH_PRODUCTS_URL: "http://127.0.0.1:9/graphql" },
      verifier: products.tokens.verifier,
    });
    try {
      const ownerId = `usr_${randomUUID()}`;
      const order = newOrder(ownerId);
      const client = connectAs(`Bearer ${products.tokens.customer(ownerId)}`, broken.url.replace(/^http/, "ws"));
      const { state } = follow(client, STATUS_WITH_ORDER, { id: order.id });
      await waitFor(() => broken.subscriptionStats().subscribers === 1, "the subscription");
      await publisher.publishEvent(statusEvent(order, "RESERVED", "PENDING"));
      await publisher.publishEvent(statusEvent(order, "PAID", "RESERVED"));
      // Each event is tried again over about four seconds (EVENT_RETRY_DELAYS_MS) before the error is sent.
      const started = Date.now();
      await waitFor(() => state.results.length === 2, "both events", 30_000);
      const retrying = EVENT_RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * retrying);
      for (const result of state.results) {
        // One error per line whose product could not be fetched, each at its path.
        expect(result.errors).toEqual(
          [0, 1].map((line) => ({
            message: "A service this request needs is unavailable. Try again shortly.",
            path: ["orderStatusChanged", "order", "lines", line, "variant", "product"],
            extensions: { code: "SERVICE_UNAVAILABLE" },
          })),
        );
        expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
      }
      await client.dispose();
    } finally {
      await broken.stop();
    }
  });

  it("tells HTTP clients that subscriptions are served over WebSocket", async () => {
    const response = await fetch(router.url, {
      method: "POST",
      headers: { "content-type": "application/json", "apollo-require-preflight": "true" },
      body: JSON.stringify({ query: `subscription { orderStatusChanged(orderId: "1") { status } }` }),
    });
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(response.status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/WebSocket/), extensions: { code: "BAD_REQUEST" } }),
    ]);
  });

  it("closes sockets with 1001 on shutdown, and its queue goes with it", async () => {
    const second = await routerFor();
    const ownerId = `usr_${randomUUID()}`;
    const order = newOrder(ownerId);
    const client = createClient({
      url: second.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { authorization: `Bearer ${products.tokens.customer(ownerId)}` },
    });
    clients.push(client);
    let closeCode: number | undefined;
    client.on("closed", (event) => (closeCode = (event as { code: number }).code));
    let stopped = false;
    try {
      // Subscribing right after start waits for the broker channel instead of failing.
      const { state } = follow(client, `subscription($id: ID!) { orderStatusChanged(orderId: $id) { status } }`, {
        id: order.id,
      });
      await waitFor(
        () => second.subscriptionStats().subscribers === 1 || state.error !== undefined,
        "the subscription",
      );
      expect(state.error).toBeUndefined();
      const { queue } = second.subscriptionStats();
      stopped = true;
      await second.stop();
      await waitFor(() => closeCode !== undefined, "the socket to close");
      expect(closeCode).toBe(1001);
      await waitFor(async () => !(await queueExists(queue)), "the queue to be deleted");
    } finally {
      if (!stopped) await second.stop();
    }
  });
});

describe("WebSocket limits", () => {
  let limited: RunningRouter;
  beforeAll(async () => {
    limited = await routerFor(uniqueTopologyName("router"), {
      WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: "2",
      WS_MAX_SUBSCRIPTIONS_PER_USER: "3",
      WS_CONNECTION_INIT_TIMEOUT_MS: "300",
      WS_MAX_MESSAGE_BYTES: "2048",
      WS_KEEPALIVE_MS: "200",
    });
  });
  afterAll(() => limited?.stop());
  const limitedUrl = () => limited.url.replace(/^http/, "ws");

  /** A bare socket speaking graphql-transport-ws, to probe what a misbehaving client gets. */
  const rawSocket = (origin?: string) =>
    new WebSocket(limitedUrl(), "graphql-transport-ws", origin ? { headers: { origin } } : {});
  const closeOf = (socket: WebSocket) =>
    new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));

  it("refuses a socket from a foreign browser origin, accepts local apps and non-browsers", async () => {
    const refused = rawSocket("https://evil.example");
    const status = await new Promise<number>((resolve) => {
      refused.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
      refused.once("open", () => resolve(101));
    });
    expect(status).toBe(401);
    for (const origin of ["http://localhost:5173", undefined]) {
      const socket = rawSocket(origin);
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      socket.close();
    }
  });

  it("closes a socket that never sends connection_init (4408)", async () => {
    const socket = rawSocket();
    expect(await closeOf(socket)).toBe(4408);
  });

  it("closes a socket that sends an oversized message (1009)", async () => {
    const socket = rawSocket();
    await new Promise((resolve) => socket.once("open", resolve));
    const closed = closeOf(socket);
    socket.send(JSON.stringify({ type: "connection_init", payload: { padding: "x".repeat(4096) } }));
    expect(await closed).toBe(1009);
  });

  it("pings every socket to keep it alive", async () => {
    const socket = rawSocket();
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    await new Promise((resolve) => socket.once("ping", resolve));
    socket.close();
  });

  it("caps live subscriptions per connection and per user with RATE_LIMITED, and frees them when they end", async () => {
    const ownerId = `usr_${randomUUID()}`;
    const token = `Bearer ${products.tokens.customer(ownerId)}`;
    const subscribe = (client: Client) => follow(client, STATUS_WITH_ORDER, { id: newOrder(ownerId).id });
    const first = connectAs(token, limitedUrl());
    const kept = [subscribe(first), subscribe(first)];
    await waitFor(() => limited.subscriptionStats().subscribers === 2, "two subscriptions");
    const third = subscribe(first);
    await waitFor(() => third.state.error !== undefined, "the per-connection refusal");
    expect(third.state.error).toEqual([expect.objectContaining({ extensions: { code: "RATE_LIMITED" } })]);

    const second = connectAs(token, limitedUrl());
    kept.push(subscribe(second));
    await waitFor(() => limited.subscriptionStats().subscribers === 3, "the third across connections");
    const fourth = subscribe(second);
    await waitFor(() => fourth.state.error !== undefined, "the per-user refusal");
    expect(fourth.state.error).toEqual([expect.objectContaining({ extensions: { code: "RATE_LIMITED" } })]);

    kept[0]!.dispose();
    await waitFor(() => limited.subscriptionStats().subscribers === 2, "one to end");
    const again = subscribe(second);
    await waitFor(() => limited.subscriptionStats().subscribers === 3, "a freed place to be taken");
    expect(again.state.error).toBeUndefined();
  });
});
