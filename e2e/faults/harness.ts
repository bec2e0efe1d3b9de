/**
 * The fault suite's harness: the supervised platform, shoppers who behave like a real client
 * (retrying SERVICE_UNAVAILABLE with back-off, a checkout always with the same idempotency key),
 * a probe that measures how soon requests succeed again, and the checks of what the platform
 * did, read straight from each service's database.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { setTimeout as pause } from "node:timers/promises";
import { CartographRequestError, type CartographClient } from "@cartograph/client";
import { superviseServices, type Supervisor } from "@cartograph/scripts/supervisor";
import { queueOwner } from "@cartograph/service-kit";
import { MONGODB_TEST_URL, readyMessages, uniqueEmail, waitFor } from "@cartograph/testing";
import { MongoClient, type Db } from "mongodb";
import pg from "pg";
import { E2E_ADMIN, startPlatform, type Platform } from "../platform";
import { ensureReportDir, FAULTS_REPORT } from "./dependencies";

export const ADDRESS = { line1: "1 Fault Lane", city: "Springfield", postalCode: "12345", country: "US" };
const FINAL = new Set(["PAID", "CANCELLED"]);
/** Every status path a checkout may take, and none repeats a status. */
const SAGA_PATHS = ["PENDING>RESERVED>PAID", "PENDING>CANCELLED", "PENDING>RESERVED>CANCELLED"];
/** Queues whose dead-letter queue must stay empty (`<owner>.<purpose>.dlq`). */
const CONSUMER_QUEUES: Array<[string, string]> = [
  ["inventory", "catalogue"],
  ["inventory", "checkout"],
  ["payments", "checkout"],
  ["orders", "catalogue"],
  ["orders", "checkout"],
  ["reviews", "catalogue"],
  ["reviews", "purchases"],
  ["recommendations", "catalogue"],
  ["recommendations", "purchases"],
  ["notifications", "messages"],
  ["notifications", "catalogue"],
];
const POSTGRES_SERVICES = ["users", "products", "inventory", "orders", "payments", "notifications"];

// --- errors as a client sees them --------------------------------------------------------------

export interface SeenError {
  operation: string;
  code: string;
  path: ReadonlyArray<string | number> | null;
  message: string;
  /** Everything but the path, as sent: what must not leak anything internal. */
  raw: string;
}

/** Host names, ports, driver and socket errors, SQL, service names, stack frames. */
const INTERNAL_DETAIL =
  /127\.0\.0\.1|localhost|:\d{2,5}\b|ECONN|EPIPE|ETIMEDOUT|EAI_AGAIN|socket|postgres|mongo|ferret|rabbit|amqp|\bsql\b|select |insert into|relation "|serviceName|subgraph|stack|\bat .+:\d+:\d+|\.ts\b|https?:\/\//i;

export class ErrorLog {
  readonly errors: SeenError[] = [];
  failedRequests = 0;

  record(operation: string, error: unknown): void {
    this.failedRequests += 1;
    if (error instanceof CartographRequestError) {
      for (const entry of error.errors) {
        // Everything but where it happened (path, and locations in the operation's text).
        const { path, locations: _locations, ...rest } = entry as typeof entry & { locations?: unknown };
        this.errors.push({
          operation,
          code: entry.extensions?.code ?? "NO_CODE",
          path: path ?? null,
          message: entry.message,
          raw: JSON.stringify(rest),
        });
      }
      return;
    }
    // The router itself did not answer (or answered no GraphQL): a client sees a network failure.
    const name = error instanceof Error && error.name === "TimeoutError" ? "CLIENT_TIMEOUT" : "NETWORK_ERROR";
    this.errors.push({ operation, code: name, path: null, message: String(error), raw: String(error) });
  }

  byCode(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const error of this.errors) counts[error.code] = (counts[error.code] ?? 0) + 1;
    return counts;
  }

  /**
   * What must hold for every error a client saw: SERVICE_UNAVAILABLE, at the path of the field
   * that failed, and nothing internal in it. UNAUTHENTICATED is not accepted: every process
   * verifies tokens with keys from users' JWKS, which users serves from memory (no datastore)
   * and no scenario stops, so it would be a bug.
   */
  problems(): SeenError[] {
    return this.errors.filter(
      (error) =>
        error.code !== "SERVICE_UNAVAILABLE" ||
        !error.path ||
        error.path.length === 0 ||
        INTERNAL_DETAIL.test(error.raw) ||
        Object.keys((JSON.parse(error.raw) as { extensions?: object }).extensions ?? {}).some((key) => key !== "code"),
    );
  }
}

/** What a client tries again: the service was unavailable, or the server failed (a 5xx). */
const RETRIED_CODES = new Set(["SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR", "UNKNOWN"]);

/**
 * A client's way of calling: on an error it backs off (0.25 s doubling to 4 s, with jitter) and
 * sends the same operation again, until it succeeds or `deadlineMs` passes. Each call has a
 * client-side timeout, as real clients do.
 */
export async function retrying<T>(
  log: ErrorLog,
  operation: string,
  call: (options: { signal: AbortSignal }) => Promise<T>,
  { deadlineMs = 150_000, timeoutMs = 30_000 } = {},
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let delay = 250;
  for (;;) {
    try {
      return await call({ signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      log.record(operation, error);
      // The caller's own mistakes (bad input, not allowed, ...) are not worth another try.
      const codes = error instanceof CartographRequestError ? error.codes : [];
      if (Date.now() > deadline || codes.some((code) => !RETRIED_CODES.has(code))) throw error;
      await pause(delay * (0.75 + Math.random() / 2));
      delay = Math.min(delay * 2, 4_000);
    }
  }
}

// --- the platform, supervised ------------------------------------------------------------------

export interface FaultPlatform {
  platform: Platform;
  supervisor: Supervisor;
  /** The supervisor's lines, timed: a service that exited shows up here. */
  supervisorLines: Array<{ at: number; line: string }>;
  admin: CartographClient;
  rows: Rows;
  probe: Probe;
  stop: () => Promise<void>;
}

export async function startFaultPlatform(): Promise<FaultPlatform> {
  const platform = await startPlatform();
  const supervisorLines: FaultPlatform["supervisorLines"] = [];
  // As `pnpm start` runs it: a service that exits comes back by itself.
  const supervisor = superviseServices(platform, {
    report: (line) => {
      supervisorLines.push({ at: Date.now(), line });
      console.log(`supervisor | ${line}`);
    },
  });
  const rows = new Rows(platform);
  try {
    const admin = platform.client((await platform.client().Login(E2E_ADMIN)).login.accessToken);
    const probe = await Probe.create({ platform, admin, rows });
    return {
      platform,
      supervisor,
      supervisorLines,
      admin,
      rows,
      probe,
      stop: async () => {
        supervisor.stop();
        await rows.close();
        await platform.stop();
      },
    };
  } catch (error) {
    supervisor.stop();
    await rows.close();
    await platform.stop();
    throw error;
  }
}

// --- direct reads of the services' databases ---------------------------------------------------

/** Reads each service's own database (the suite's only way to see exactly what was stored). */
export class Rows {
  private readonly pools = new Map<string, pg.Pool>();
  private mongo: MongoClient | null = null;

  constructor(private readonly platform: Platform) {}

  /** A query on a PostgreSQL service's database, retried while the server is coming back. */
  async sql<R extends pg.QueryResultRow>(service: string, text: string, params: unknown[] = []): Promise<R[]> {
    let pool = this.pools.get(service);
    if (!pool) {
      pool = new pg.Pool({ connectionString: this.platform.databaseUrl(service), max: 2 });
      pool.on("error", () => undefined); // an idle connection cut by a restart; the pool replaces it
      this.pools.set(service, pool);
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        return (await pool.query<R>(text, params)).rows;
      } catch (error) {
        if (attempt >= 20 || (error as { code?: string }).code?.match(/^(42|22|23)/)) throw error;
        await pause(500);
      }
    }
  }

  /** A MongoDB service's database (both live on the one MongoDB-compatible server). */
  async db(service: string): Promise<Db> {
    this.mongo ??= new MongoClient(MONGODB_TEST_URL, { serverSelectionTimeoutMS: 10_000 });
    return this.mongo.db(new URL(this.platform.databaseUrl(service)).pathname.slice(1));
  }

  async close(): Promise<void> {
    for (const pool of this.pools.values()) await pool.end().catch(() => undefined);
    this.pools.clear();
    await this.mongo?.close().catch(() => undefined);
    this.mongo = null;
  }
}

// --- catalogue and shoppers --------------------------------------------------------------------

export interface StockedProduct {
  productId: string;
  slug: string;
  variantId: string;
  onHand: number;
}

/**
 * A product of the scenario's own, with one variant and `onHand` units, once every service that
 * keeps a copy of the catalogue (orders, inventory, reviews, recommendations) has heard of it.
 */
/** What building a scenario's catalogue and shoppers needs. */
export type Shop = Pick<FaultPlatform, "platform" | "admin" | "rows">;

export async function stockedProduct(fault: Shop, label: string, onHand: number): Promise<StockedProduct> {
  const tag = randomUUID().slice(0, 8);
  const { createProduct } = await fault.admin.CreateProduct({
    input: {
      name: `${label} ${tag}`,
      description: `Stock for the ${label} fault scenario.`,
      variants: [{ sku: `FAULT-${tag}`.toUpperCase(), title: "Default", price: "10.00" }],
    },
  });
  expect(createProduct.userErrors).toEqual([]);
  const product = createProduct.product!;
  const variantId = product.variants[0]!.id;
  await waitFor(
    async () => (await fault.admin.SetStock({ variantId, onHand })).setStock.userErrors.length === 0 || undefined,
    { what: `inventory to know ${label}`, timeoutMs: 30_000 },
  );
  await waitFor(
    async () =>
      (await fault.rows.sql("orders", "select 1 from catalogue_variants where variant_id = $1", [variantId])).length >
        0 || undefined,
    { what: `orders to know ${label}`, timeoutMs: 30_000 },
  );
  for (const service of ["reviews", "recommendations"]) {
    await waitFor(
      async () =>
        (await (
          await fault.rows.db(service)
        )
          .collection<{ _id: string }>("catalogue_products")
          .countDocuments({ _id: product.id })) > 0 || undefined,
      { what: `${service} to know ${label}`, timeoutMs: 30_000 },
    );
  }
  return { productId: product.id, slug: product.slug, variantId, onHand };
}

export interface Shopper {
  client: CartographClient;
  userId: string;
  /** One checkout, one key: every retry of it sends this one. */
  idempotencyKey: string;
  paymentToken: string;
}

/** `count` new customers; `declined` of them, spread over the run, pay with a card that is declined. */
export async function registerShoppers(fault: Shop, count: number, declined: number): Promise<Shopper[]> {
  const shoppers: Shopper[] = [];
  const step = declined > 0 ? Math.floor(count / declined) : 0;
  const declines = (index: number) => step > 0 && index % step === step - 1 && Math.floor(index / step) < declined;
  // A few at a time: password hashing is deliberately slow and the machine has two cores.
  for (let start = 0; start < count; start += 4) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(4, count - start) }, async (_, i) => {
        const { register } = await fault.platform.client().Register({
          input: { email: uniqueEmail("fault"), password: "password123", name: `Shopper ${start + i}` },
        });
        expect(register.userErrors).toEqual([]);
        return {
          client: fault.platform.client(register.accessToken),
          userId: register.user!.id,
          idempotencyKey: randomUUID(),
          paymentToken: declines(start + i) ? "tok_chargeDeclined" : "tok_visa",
        };
      }),
    );
    shoppers.push(...batch);
  }
  return shoppers;
}

export interface Journey {
  shopper: Shopper;
  orderId: string | null;
  /** The status the shopper last read through the API. */
  status: string | null;
  /** Turned away at once as sold out (OUT_OF_STOCK, nothing left), when adding or at checkout: no order. */
  soldOut: boolean;
}

/** Every error says nothing is left: what a shopper hears once orders' stock copy shows the units held. */
const soldOut = (errors: ReadonlyArray<{ code: string; quantityAvailable: number | null }>) =>
  errors.length > 0 && errors.every((error) => error.code === "OUT_OF_STOCK" && error.quantityAvailable === 0);

/**
 * A shopper's checkout as a real client makes it: adds each line, checks out (retrying with the
 * same idempotency key), then polls the order until it is PAID or CANCELLED.
 */
export async function shop(
  shopper: Shopper,
  lines: Array<{ variantId: string; quantity: number }>,
  log: ErrorLog,
  {
    pollUntil,
    onAnswered,
  }: {
    pollUntil: number;
    /** The checkout was answered: an order placed, or the shopper turned away as sold out. */
    onAnswered?: () => void;
  },
): Promise<Journey> {
  const journey: Journey = { shopper, orderId: null, status: null, soldOut: false };
  const turnedAway = () => {
    journey.soldOut = true;
    onAnswered?.();
    return journey;
  };
  for (const line of lines) {
    const { cartAddLine } = await retrying(log, "CartAddLine", (options) => shopper.client.CartAddLine(line, options));
    if (soldOut(cartAddLine.userErrors)) return turnedAway();
    expect(cartAddLine.userErrors).toEqual([]);
  }
  const { checkout } = await retrying(log, "Checkout", (options) =>
    shopper.client.Checkout(
      {
        input: {
          shippingAddress: ADDRESS,
          paymentToken: shopper.paymentToken,
          idempotencyKey: shopper.idempotencyKey,
        },
      },
      options,
    ),
  );
  if (soldOut(checkout.userErrors)) return turnedAway();
  expect(checkout.userErrors).toEqual([]);
  journey.orderId = checkout.order!.id;
  journey.status = checkout.order!.status;
  onAnswered?.();
  while (!FINAL.has(journey.status ?? "") && Date.now() < pollUntil) {
    await pause(1_000);
    const { order } = await retrying(log, "Order", (options) =>
      shopper.client.Order({ id: journey.orderId! }, options),
    );
    journey.status = order!.status;
  }
  return journey;
}

/** Reads product pages in a loop until `until()` says stop, as visitors do during the fault. */
export async function readPages(
  client: CartographClient,
  slugs: string[],
  log: ErrorLog,
  until: () => boolean,
): Promise<{ reads: number; pagesWithoutProduct: number }> {
  let reads = 0;
  let pagesWithoutProduct = 0;
  while (!until()) {
    const slug = slugs[reads % slugs.length]!;
    reads += 1;
    try {
      await client.ProductPage({ slug }, { signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      log.record("ProductPage", error);
      // The page survives a failed store: only the fields that store fills are missing.
      const data = error instanceof CartographRequestError ? (error.data as { product?: { name?: string } }) : null;
      if (!data?.product?.name) pagesWithoutProduct += 1;
    }
    await pause(300);
  }
  return { reads, pagesWithoutProduct };
}

// --- the probe: how soon do requests succeed again -------------------------------------------

/**
 * A product page (products, inventory, reviews, recommendations), a cart add (orders) and a paid
 * order's page (orders, payments): every subgraph but users, with nothing missing.
 */
export class Probe {
  /** Where failed probes are recorded: each scenario gives its own. */
  log = new ErrorLog();

  private constructor(
    private readonly client: CartographClient,
    private readonly product: StockedProduct,
    private readonly orderId: string,
  ) {}

  static async create(fault: Shop): Promise<Probe> {
    const product = await stockedProduct(fault, "Probe", 1_000);
    const [shopper] = await registerShoppers(fault, 1, 0);
    const journey = await shop(shopper!, [{ variantId: product.variantId, quantity: 1 }], new ErrorLog(), {
      pollUntil: Date.now() + 30_000,
    });
    expect(journey.status).toBe("PAID");
    const probe = new Probe(shopper!.client, product, journey.orderId!);
    expect(await probe.once()).toBe(true);
    return probe;
  }

  async once(): Promise<boolean> {
    const options = { signal: AbortSignal.timeout(15_000) };
    try {
      await this.client.ProductPage({ slug: this.product.slug }, options);
      await this.client.CartAddLine({ variantId: this.product.variantId, quantity: 1 }, options);
      await this.client.Order({ id: this.orderId }, options);
      return true;
    } catch (error) {
      this.log.record("probe", error);
      return false;
    }
  }

  /** Seconds from `since` (the dependency's return) until the probe succeeds. */
  async recoverySeconds(since: number, { timeoutMs = 90_000 } = {}): Promise<number> {
    while (!(await this.once())) {
      if (Date.now() - since > timeoutMs) throw new Error(`requests did not succeed again within ${timeoutMs} ms`);
      await pause(250);
    }
    return Math.round((Date.now() - since) / 100) / 10;
  }
}

// --- what the platform must have done ----------------------------------------------------------

interface OrderRow {
  id: string;
  user_id: string;
  status: string;
  total: number;
  idempotency_key: string;
}

export interface Settlement {
  placed: number;
  /** Shoppers turned away as sold out before an order was placed. */
  soldOut: number;
  paid: number;
  cancelled: number;
  /** Seconds from `since` (the dependency's last return) until the last order settled; negative if before. */
  lastSettledAfterReturnSeconds: number;
}

/**
 * Waits until every order of these shoppers is PAID or CANCELLED and every service has finished
 * with it, then checks that nothing was lost or applied twice: one order per checkout, a status
 * history without repeats, stock = initial - units paid and nothing left reserved, one
 * successful charge (and invoice) per paid order and none for a cancelled one, each paid order
 * counted once by reviews and recommendations, and no dead-lettered event.
 */
export async function checkSettlement(
  fault: FaultPlatform,
  allJourneys: Journey[],
  products: StockedProduct[],
  since: number,
): Promise<Settlement> {
  const { rows } = fault;
  // A shopper turned away as sold out has no order at all.
  const turnedAway = allJourneys.filter((journey) => journey.soldOut).map((journey) => journey.shopper.userId);
  expect(await rows.sql("orders", "select id from orders where user_id = any($1)", [turnedAway])).toEqual([]);
  const journeys = allJourneys.filter((journey) => !journey.soldOut);
  const userIds = journeys.map((journey) => journey.shopper.userId);
  const orders = async () =>
    rows.sql<OrderRow>(
      "orders",
      "select id, user_id, status, total, idempotency_key from orders where user_id = any($1)",
      [userIds],
    );
  const settled = await waitFor(
    async () => {
      const found = await orders();
      return found.length >= journeys.length && found.every((order) => FINAL.has(order.status)) ? found : undefined;
    },
    { timeoutMs: 90_000, what: "every order to be PAID or CANCELLED" },
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify((await orders()).map((o) => [o.id, o.status]))}`);
  });
  const orderIds = settled.map((order) => order.id);
  const paid = settled.filter((order) => order.status === "PAID");
  const cancelled = settled.filter((order) => order.status === "CANCELLED");

  // One order per shopper, the one its checkout answered with, under its key.
  expect(settled).toHaveLength(journeys.length);
  for (const journey of journeys) {
    const mine = settled.filter((order) => order.user_id === journey.shopper.userId);
    expect(mine.map((order) => [order.id, order.idempotency_key])).toEqual([
      [journey.orderId, journey.shopper.idempotencyKey],
    ]);
    // What the shopper read through the API is what orders stored.
    expect(journey.status).toBe(mine[0]!.status);
  }

  // Each status at most once (an event applied twice would add a row), along a path of the saga.
  const history = await rows.sql<{ order_id: string; status: string }>(
    "orders",
    "select order_id, status from order_status_changes where order_id = any($1) order by at",
    [orderIds],
  );
  for (const order of settled) {
    const statuses = history.filter((change) => change.order_id === order.id).map((change) => change.status);
    // Changes made within one millisecond tie on `at`: compare as a set, then check nothing repeats.
    const path = SAGA_PATHS.find((candidate) => candidate.split(">").sort().join() === [...statuses].sort().join());
    expect([order.id, statuses.length === new Set(statuses).size && path?.endsWith(order.status)]).toEqual([
      order.id,
      true,
    ]);
  }

  // Inventory: every paid order's hold committed, every other released or never held; stock exact.
  const lines = await rows.sql<{ order_id: string; variant_id: string; quantity: number }>(
    "orders",
    "select order_id, variant_id, quantity from order_lines where order_id = any($1)",
    [orderIds],
  );
  const paidIds = new Set(paid.map((order) => order.id));
  const inventoryDone = async () => {
    const held = await rows.sql<{ order_id: string; variant_id: string; quantity: number; status: string }>(
      "inventory",
      "select order_id, variant_id, quantity, status from reservations where order_id = any($1)",
      [orderIds],
    );
    const answered = await rows.sql<{ order_id: string }>(
      "inventory",
      "select order_id from order_reservations where order_id = any($1)",
      [orderIds],
    );
    const finished =
      answered.length === orderIds.length &&
      held.every((line) => line.status === (paidIds.has(line.order_id) ? "COMMITTED" : "RELEASED")) &&
      paid.every((order) => held.some((line) => line.order_id === order.id));
    return finished ? held : undefined;
  };
  const held = await waitFor(inventoryDone, { timeoutMs: 60_000, what: "inventory to commit or release every order" });
  for (const order of paid) {
    const ordered = lines.filter((line) => line.order_id === order.id);
    const committed = held.filter((line) => line.order_id === order.id);
    expect(committed.map((l) => [l.variant_id, l.quantity]).sort()).toEqual(
      ordered.map((l) => [l.variant_id, l.quantity]).sort(),
    );
  }
  const stock = await rows.sql<{ variant_id: string; on_hand: number; reserved: number }>(
    "inventory",
    "select variant_id, on_hand, reserved from stock_levels where variant_id = any($1)",
    [products.map((product) => product.variantId)],
  );
  for (const product of products) {
    const sold = lines
      .filter((line) => line.variant_id === product.variantId && paidIds.has(line.order_id))
      .reduce((sum, line) => sum + line.quantity, 0);
    expect(stock.find((row) => row.variant_id === product.variantId)).toEqual({
      variant_id: product.variantId,
      on_hand: product.onHand - sold,
      reserved: 0,
    });
  }

  // Payments: one successful charge and one invoice per paid order, of its total; none otherwise.
  const paymentsDone = async () => {
    const found = await rows.sql<{
      order_id: string;
      status: string;
      amount: number;
      gateway_charge_id: string | null;
    }>(
      "payments",
      "select order_id, status, amount::int as amount, gateway_charge_id from payments where order_id = any($1)",
      [orderIds],
    );
    return found.length === orderIds.length &&
      found.every((p) =>
        paidIds.has(p.order_id) ? p.status === "SUCCEEDED" : ["CANCELLED", "FAILED"].includes(p.status),
      )
      ? found
      : undefined;
  };
  const payments = await waitFor(paymentsDone, { timeoutMs: 60_000, what: "payments to settle every order" });
  const charges = await rows.sql<{ idempotency_key: string; id: string; outcome: string; amount: number }>(
    "payments",
    "select idempotency_key, id, outcome, amount::int as amount from test_gateway_charges where idempotency_key = any($1)",
    [orderIds],
  );
  const invoices = await rows.sql<{ order_id: string; total: number }>(
    "payments",
    "select order_id, total::int as total from invoices where order_id = any($1)",
    [orderIds],
  );
  const refunds = await rows.sql<{ id: string }>(
    "payments",
    "select r.id from test_gateway_refunds r join test_gateway_charges c on c.id = r.charge_id where c.idempotency_key = any($1)",
    [orderIds],
  );
  expect(refunds).toEqual([]);
  for (const order of paid) {
    const payment = payments.find((p) => p.order_id === order.id)!;
    const succeeded = charges.filter((c) => c.idempotency_key === order.id && c.outcome === "succeeded");
    expect(succeeded.map((c) => [c.id, c.amount])).toEqual([[payment.gateway_charge_id, order.total]]);
    expect(payment.amount).toBe(order.total);
    expect(invoices.filter((invoice) => invoice.order_id === order.id)).toEqual([
      { order_id: order.id, total: order.total },
    ]);
  }
  for (const order of cancelled) {
    expect(charges.filter((c) => c.idempotency_key === order.id && c.outcome === "succeeded")).toEqual([]);
    expect(invoices.filter((invoice) => invoice.order_id === order.id)).toEqual([]);
  }

  // Orders announced each paid order once (and no other): one order.paid per PAID order.
  const paidEvents = await rows.sql<{ id: string; aggregate_id: string }>(
    "orders",
    "select id, aggregate_id from outbox_events where type = 'order.paid' and aggregate_id = any($1)",
    [orderIds],
  );
  expect(paidEvents.map((event) => event.aggregate_id).sort()).toEqual([...paidIds].sort());
  // Reviews and recommendations have finished with every one of them: their inbox marks each
  // event once its effect is written (the positive sign the counters below are final).
  const mongo = { reviews: await rows.db("reviews"), recommendations: await rows.db("recommendations") };
  for (const [service, db] of Object.entries(mongo)) {
    const queue = `${queueOwner(service, fault.platform.events.EVENTS_QUEUE_NAMESPACE)}.purchases`;
    const marks = paidEvents.map((event) => `${queue}:${event.id}`);
    await waitFor(
      async () =>
        (await db.collection<{ _id: string }>("processed_events").countDocuments({ _id: { $in: marks } })) ===
          marks.length || undefined,
      { timeoutMs: 60_000, what: `${service} to apply every order.paid` },
    );
  }
  // Each paid order counted once: in the history, the daily sales and the co-purchase pair.
  const purchases = mongo.recommendations.collection<{ _id: string }>("purchases");
  expect(await purchases.countDocuments({ _id: { $in: paid.map((order) => order.id) } })).toBe(paid.length);
  expect(await purchases.countDocuments({ _id: { $in: cancelled.map((order) => order.id) } })).toBe(0);
  const productOf = new Map(products.map((product) => [product.variantId, product.productId]));
  for (const product of products) {
    const units = lines
      .filter((line) => line.variant_id === product.variantId && paidIds.has(line.order_id))
      .reduce((sum, line) => sum + line.quantity, 0);
    const sales = await mongo.recommendations
      .collection<{ units: number }>("product_daily_sales")
      .find({ productId: product.productId })
      .toArray();
    expect([product.productId, sales.reduce((sum, day) => sum + day.units, 0)]).toEqual([product.productId, units]);
  }
  if (products.length === 2) {
    const together = paid.filter((order) =>
      products.every((product) =>
        lines.some((line) => line.order_id === order.id && productOf.get(line.variant_id) === product.productId),
      ),
    ).length;
    const pair = await mongo.recommendations
      .collection<{ _id: string; count: number }>("copurchases")
      .findOne({ _id: `${products[0]!.productId}|${products[1]!.productId}` });
    expect(pair?.count ?? 0).toBe(together);
  }
  // And each buyer is a verified purchaser of what they paid for.
  const verified = new Set(
    paid.flatMap((order) =>
      lines
        .filter((line) => line.order_id === order.id)
        .map((line) => `${order.user_id}|${productOf.get(line.variant_id)}`),
    ),
  );
  expect(
    await mongo.reviews
      .collection<{ _id: string }>("verified_purchases")
      .countDocuments({ _id: { $in: [...verified] } }),
  ).toBe(verified.size);

  // Nothing was given up on: every dead-letter queue of the platform is empty.
  for (const [owner, purpose] of CONSUMER_QUEUES) {
    const dlq = `${queueOwner(owner, fault.platform.events.EVENTS_QUEUE_NAMESPACE)}.${purpose}.dlq`;
    expect([dlq, await readyMessages(dlq)]).toEqual([dlq, 0]);
  }
  // And every outbox has been published.
  for (const service of POSTGRES_SERVICES) {
    await waitFor(
      async () =>
        Number(
          (
            await rows.sql<{ n: string }>(service, "select count(*) as n from outbox_events where published_at is null")
          )[0]!.n,
        ) === 0 || undefined,
      { timeoutMs: 30_000, what: `${service}'s outbox to be published` },
    );
  }

  const lastChange = await rows.sql<{ at: Date }>(
    "orders",
    "select max(at) as at from order_status_changes where order_id = any($1)",
    [orderIds],
  );
  return {
    placed: settled.length,
    soldOut: turnedAway.length,
    paid: paid.length,
    cancelled: cancelled.length,
    lastSettledAfterReturnSeconds: Math.round((lastChange[0]!.at.getTime() - since) / 100) / 10,
  };
}

/** Every process alive and ready again (`/readyz` 200). */
export async function expectAllServicesUp(fault: FaultPlatform): Promise<void> {
  for (const [name, service] of Object.entries(fault.platform.services)) {
    expect([name, isAlive(service.pid)]).toEqual([name, true]);
    await waitFor(
      async () => {
        try {
          return (await fetch(`${service.baseUrl}/readyz`, { signal: AbortSignal.timeout(3_000) })).status === 200;
        } catch {
          return false;
        }
      },
      { timeoutMs: 30_000, what: `${name}'s /readyz to answer 200` },
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// --- the report ---------------------------------------------------------------------------------

export interface ScenarioReport {
  name: string;
  settlement: Settlement;
  errors: ErrorLog;
  probeErrors: ErrorLog;
  /** Seconds until the probe succeeded, after each return of the dependency. */
  recoveries: Array<{ after: string; seconds: number }>;
  restarts: Record<string, number>;
  extra?: Record<string, unknown>;
}

/** One line per scenario on the console, and the same figures as JSON in .local/faults-report.jsonl. */
export function report(scenario: ScenarioReport): void {
  const { settlement } = scenario;
  const recovered = Math.max(...scenario.recoveries.map((r) => r.seconds));
  console.log(
    `fault: ${scenario.name}: orders placed ${settlement.placed} (turned away sold out ${settlement.soldOut}), settled ${settlement.paid + settlement.cancelled} ` +
      `(PAID ${settlement.paid}, CANCELLED ${settlement.cancelled}), errors by code ${JSON.stringify(scenario.errors.byCode())}, ` +
      `recovered in ${recovered} s`,
  );
  ensureReportDir();
  appendFileSync(
    FAULTS_REPORT,
    `${JSON.stringify({
      at: new Date().toISOString(),
      scenario: scenario.name,
      ordersPlaced: settlement.placed,
      soldOut: settlement.soldOut,
      settled: settlement.paid + settlement.cancelled,
      paid: settlement.paid,
      cancelled: settlement.cancelled,
      errorsByCode: scenario.errors.byCode(),
      failedRequests: scenario.errors.failedRequests,
      probeErrorsByCode: scenario.probeErrors.byCode(),
      recoveredSeconds: recovered,
      recoveries: scenario.recoveries,
      lastOrderSettledAfterReturnSeconds: settlement.lastSettledAfterReturnSeconds,
      restarts: scenario.restarts,
      ...scenario.extra,
    })}\n`,
  );
}
