/**
 * Faults survived: the real PostgreSQL, MongoDB-compatible server and RabbitMQ restarted, frozen
 * or stopped, and subgraph processes frozen or killed, while customers check out through the
 * router. After each, nothing stays down, every order settles, stock, charges and counters are
 * exact (nothing lost, nothing applied twice), clients only ever saw SERVICE_UNAVAILABLE at the
 * failed field, and requests succeed again within seconds. Each scenario prints one line and
 * appends its figures to .local/faults-report.jsonl.
 *
 * Runs alone, after every other test (`pnpm test`): it restarts the shared datastores.
 */
import { setTimeout as pause } from "node:timers/promises";
import { waitFor } from "@cartograph/testing";
import {
  findMongoServer,
  freeze,
  killMongoServer,
  mendEverything,
  restartPostgres,
  startMongoServer,
  startRabbitApp,
  stopRabbitApp,
  thaw,
} from "./dependencies";
import {
  checkSettlement,
  ErrorLog,
  expectAllServicesUp,
  readPages,
  registerShoppers,
  report,
  shop,
  startFaultPlatform,
  stockedProduct,
  type FaultPlatform,
  type Journey,
} from "./harness";

let fault: FaultPlatform;

beforeAll(async () => {
  fault = await startFaultPlatform();
}, 300_000);

afterAll(async () => {
  try {
    await mendEverything();
  } finally {
    await fault?.stop();
  }
}, 120_000);

interface FaultContext {
  /** The dependency is back: measures how soon the probe succeeds again (and waits for it). */
  returned: (after: string) => Promise<void>;
  /** Checkouts answered so far. */
  placed: () => number;
  /** The scenario's customers. */
  userIds: string[];
  /** More figures for the report. */
  extra: Record<string, unknown>;
}

interface Scenario {
  name: string;
  /** Customers checking out while the fault happens, one starting every `staggerMs`. */
  shoppers: number;
  staggerMs: number;
  /** Of them, paying with a card the gateway declines. */
  declined: number;
  /** Units on hand of the scenario's two products; every order takes one of each. */
  stock: [number, number];
  /** Visitors reading the products' pages for as long as the fault lasts. */
  readers: number;
  /**
   * A page that meets the fault must still show the product: true unless the fault takes a
   * non-nullable product field with it (products' own data, or inventory's `inStock`, which
   * docs/api.md leaves non-nullable: its failure nulls the product, as GraphQL does).
   */
  pagesKeepTheProduct: boolean;
  /** A kill: the service the supervisor must have restarted (once). Otherwise no process may exit. */
  restarted?: string;
  fault: (context: FaultContext) => Promise<void>;
}

async function runScenario(scenario: Scenario): Promise<void> {
  const { supervisor } = fault;
  const restartsBefore = supervisor.restarts();
  const linesBefore = fault.supervisorLines.length;
  const products = [
    await stockedProduct(fault, `${scenario.name} A`, scenario.stock[0]),
    await stockedProduct(fault, `${scenario.name} B`, scenario.stock[1]),
  ];
  const shoppers = await registerShoppers(fault, scenario.shoppers, scenario.declined);
  const log = new ErrorLog();
  fault.probe.log = new ErrorLog();
  const recoveries: Array<{ after: string; seconds: number }> = [];
  let lastReturn = 0;
  let faultOver = false;
  let placed = 0;
  const context: FaultContext = {
    returned: async (after) => {
      lastReturn = Date.now();
      recoveries.push({ after, seconds: await fault.probe.recoverySeconds(lastReturn) });
    },
    placed: () => placed,
    userIds: shoppers.map((shopper) => shopper.userId),
    extra: {},
  };

  const startedAt = Date.now();
  const lines = products.map((product) => ({ variantId: product.variantId, quantity: 1 }));
  const shopping = shoppers.map(async (shopper, i) => {
    await pause(i * scenario.staggerMs);
    return shop(shopper, lines, log, { pollUntil: startedAt + 200_000, onAnswered: () => (placed += 1) }).catch(
      (error: unknown) => {
        throw new Error(`shopper ${i}: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
  const readers = Array.from({ length: scenario.readers }, () =>
    readPages(
      shoppers[0]!.client,
      products.map((product) => product.slug),
      log,
      () => faultOver,
    ),
  );

  try {
    await scenario.fault(context);
  } finally {
    faultOver = true;
    // Whatever happened, nothing stays frozen or stopped.
    await mendEverything();
  }
  const outcomes = await Promise.allSettled(shopping);
  const failed = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [String(outcome.reason)] : []));
  expect(failed).toEqual([]);
  const pages = await Promise.all(readers);

  const settlement = await checkSettlement(
    fault,
    outcomes.map((outcome) => (outcome as PromiseFulfilledResult<Journey>).value),
    products,
    lastReturn,
  );
  const restarts = supervisor.restarts();
  report({
    name: scenario.name,
    settlement,
    errors: log,
    probeErrors: fault.probe.log,
    recoveries,
    restarts: Object.fromEntries(
      Object.entries(restarts).map(([name, count]) => [name, count - (restartsBefore[name] ?? 0)]),
    ),
    extra: { pageReads: pages.reduce((sum, page) => sum + page.reads, 0), ...context.extra },
  });

  await expectAllServicesUp(fault);
  // Supervision: a datastore or broker fault exits no process; a kill is restarted, once.
  const exits = fault.supervisorLines.slice(linesBefore).filter((entry) => / exited /.test(entry.line));
  if (scenario.restarted) {
    expect(restarts).toEqual({
      ...restartsBefore,
      [scenario.restarted]: (restartsBefore[scenario.restarted] ?? 0) + 1,
    });
    expect(exits.map((entry) => entry.line.split(" ")[0])).toEqual([scenario.restarted]);
  } else {
    // (An exit with code 0 here means something outside the suite sent SIGTERM: nothing else may run meanwhile.)
    expect(exits).toEqual([]);
    expect(restarts).toEqual(restartsBefore);
  }

  // What clients saw: only SERVICE_UNAVAILABLE, at the failed field's path, nothing internal.
  expect(log.problems()).toEqual([]);
  expect(fault.probe.log.problems()).toEqual([]);
  // A page whose reviews, recommendations or stock failed still shows the product.
  if (scenario.pagesKeepTheProduct) expect(pages.reduce((sum, page) => sum + page.pagesWithoutProduct, 0)).toBe(0);
  // Every return was followed within seconds by requests that succeed.
  expect(recoveries.length).toBeGreaterThan(0);
  expect(Math.max(...recoveries.map((recovery) => recovery.seconds))).toBeLessThan(30);
}

/** Resolves once `count` checkouts have been answered (the fault then hits a platform at work). */
function afterCheckouts(context: FaultContext, count: number): Promise<unknown> {
  return waitFor(() => context.placed() >= count, { timeoutMs: 60_000, what: `${count} checkouts to be answered` });
}

/**
 * SIGKILL, as an out-of-memory kill or a lost node would: no shutdown, transactions cut mid-way.
 * `inFlight` reads, right after the kill, what was caught mid-way (for the report). Resolves once
 * the supervisor has brought the service back.
 */
async function killAndAwaitRestart(
  context: FaultContext,
  name: string,
  inFlight: () => Promise<Record<string, number>>,
): Promise<void> {
  const restartsBefore = fault.supervisor.restarts()[name] ?? 0;
  const killedAt = Date.now();
  process.kill(fault.platform.services[name]!.pid, "SIGKILL");
  context.extra.atKill = await inFlight();
  await waitFor(() => (fault.supervisor.restarts()[name] ?? 0) > restartsBefore, {
    timeoutMs: 60_000,
    what: `the supervisor to restart ${name}`,
  });
  context.extra.downSeconds = Math.round((Date.now() - killedAt) / 100) / 10;
  await context.returned("supervisor restart");
}

/** A count from one service's database. */
async function count(service: string, sql: string, params: unknown[]): Promise<number> {
  const [row] = await fault.rows.sql<{ n: string }>(service, sql, params);
  return Number(row!.n);
}

const SCENARIO_TIMEOUT_MS = 300_000;

describe("faults survived: checkouts through the router while a dependency fails", () => {
  it(
    "PostgreSQL restarted 3 times during concurrent checkouts",
    () =>
      runScenario({
        name: "postgresql restarted x3",
        shoppers: 24,
        staggerMs: 700,
        declined: 2,
        stock: [14, 40],
        readers: 1,
        pagesKeepTheProduct: false,
        fault: async (context) => {
          for (let restart = 1; restart <= 3; restart += 1) {
            await pause(restart === 1 ? 1_500 : 2_000);
            await restartPostgres();
            await context.returned(`restart ${restart}`);
          }
        },
      }),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "the MongoDB server killed and restarted, then frozen for 8 s, while pages are read and orders paid",
    () =>
      runScenario({
        name: "mongodb restarted and frozen",
        shoppers: 20,
        staggerMs: 700,
        declined: 2,
        stock: [12, 40],
        readers: 2,
        pagesKeepTheProduct: true,
        fault: async (context) => {
          await pause(1_500);
          const server = await findMongoServer();
          await killMongoServer(server);
          await pause(3_000); // down for a while: pages and order.paid consumers meet it gone
          const restarted = await startMongoServer(server);
          await context.returned("restart");
          await pause(2_000);
          freeze(restarted.pid);
          await pause(8_000);
          thaw(restarted.pid);
          await context.returned("freeze");
        },
      }),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "RabbitMQ stopped for 10 s during checkouts",
    () =>
      runScenario({
        name: "rabbitmq stopped 10 s",
        shoppers: 24,
        staggerMs: 500,
        declined: 2,
        stock: [14, 40],
        readers: 1,
        pagesKeepTheProduct: true,
        fault: async (context) => {
          await pause(1_500);
          await stopRabbitApp();
          try {
            await pause(10_000);
          } finally {
            await startRabbitApp();
          }
          await context.returned("start_app");
        },
      }),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "inventory frozen for 12 s (past the router's 10 s subgraph timeout) during checkouts",
    () =>
      runScenario({
        name: "inventory frozen 12 s",
        shoppers: 20,
        staggerMs: 500,
        declined: 2,
        stock: [12, 40],
        readers: 2,
        pagesKeepTheProduct: false,
        fault: async (context) => {
          await afterCheckouts(context, 3);
          const pid = fault.platform.services.inventory!.pid;
          freeze(pid);
          await pause(12_000);
          thaw(pid);
          await context.returned("thaw");
        },
      }),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "orders killed (SIGKILL) in the middle of checkouts, restarted by the supervisor",
    () =>
      runScenario({
        name: "orders killed",
        shoppers: 24,
        staggerMs: 300,
        declined: 2,
        stock: [14, 40],
        readers: 1,
        pagesKeepTheProduct: true,
        restarted: "orders",
        fault: async (context) => {
          await afterCheckouts(context, 6);
          // At a moment the relay has rows to publish (a checkout just committed), if one comes soon.
          const unpublished = () =>
            count("orders", "select count(*) as n from outbox_events where published_at is null", []);
          await waitFor(async () => (await unpublished()) > 0, { timeoutMs: 5_000 }).catch(() => undefined);
          await killAndAwaitRestart(context, "orders", async () => ({
            checkoutsAnswered: context.placed(),
            ordersNotSettled: await count(
              "orders",
              "select count(*) as n from orders where status in ('PENDING', 'RESERVED') and user_id = any($1)",
              [context.userIds],
            ),
            // Committed with their order, not yet published: the restarted relay's work.
            outboxUnpublished: await unpublished(),
          }));
        },
      }),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "payments killed (SIGKILL) while orders are being paid, restarted by the supervisor",
    () =>
      runScenario({
        name: "payments killed",
        shoppers: 24,
        staggerMs: 200,
        declined: 2,
        stock: [14, 40],
        readers: 1,
        pagesKeepTheProduct: true,
        restarted: "payments",
        fault: async (context) => {
          const charges = () =>
            count(
              "payments",
              `select count(*) as n from test_gateway_charges
                where idempotency_key in (select order_id from payments where user_id = any($1))`,
              [context.userIds],
            );
          await afterCheckouts(context, 3);
          // A short freeze lets orders' and inventory's events pile up in its queue, so that once
          // thawed it works on several at once (prefetch 10): the kill then lands mid-way, with
          // charges made at the gateway whose payment transactions have not committed.
          const pid = fault.platform.services.payments!.pid;
          freeze(pid);
          await pause(3_000);
          const chargedBefore = await charges();
          thaw(pid);
          await waitFor(async () => (await charges()) > chargedBefore, {
            timeoutMs: 10_000,
            what: "payments to charge again once thawed",
          });
          await killAndAwaitRestart(context, "payments", async () => ({
            checkoutsAnswered: context.placed(),
            paymentsPending: await count(
              "payments",
              "select count(*) as n from payments where status = 'PENDING' and user_id = any($1)",
              [context.userIds],
            ),
            // Charged by the gateway, but the payment's own transaction never committed.
            chargesNotRecorded: await count(
              "payments",
              `select count(*) as n from test_gateway_charges c join payments p on p.order_id = c.idempotency_key
                where p.status = 'PENDING' and p.user_id = any($1)`,
              [context.userIds],
            ),
            outboxUnpublished: await count(
              "payments",
              "select count(*) as n from outbox_events where published_at is null",
              [],
            ),
          }));
        },
      }),
    SCENARIO_TIMEOUT_MS,
  );
});
