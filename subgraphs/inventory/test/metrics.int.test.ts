import { randomBytes } from "node:crypto";
import { queueOwner } from "@cartograph/service-kit";
import { callSubgraph, scrapeMetrics, type MetricsScrape } from "@cartograph/testing";
import { startInventoryHarness, stockVariant, uniqueId, variantEvent, waitFor, type InventoryHarness } from "./harness";

let inventory: InventoryHarness;
beforeAll(async () => {
  inventory = await startInventoryHarness();
});
afterAll(() => inventory?.close());

const metrics = () => scrapeMetrics(inventory.metricsUrl);
const moved = (before: MetricsScrape, after: MetricsScrape, name: string, labels: Record<string, string>) =>
  after.sum(name, labels) - before.sum(name, labels);
/** Waits until a series has moved by `by` since `before` (events are consumed and published asynchronously). */
const untilMoved = (before: MetricsScrape, name: string, labels: Record<string, string>, by: number) =>
  waitFor(async () => moved(before, await metrics(), name, labels) === by, {
    what: `${name} ${JSON.stringify(labels)} to move by ${by}`,
  });

const catalogueQueue = () => `${queueOwner("inventory", inventory.config.EVENTS_QUEUE_NAMESPACE)}.catalogue`;
const database = () => new URL(inventory.config.DATABASE_URL).pathname.slice(1);

const IN_STOCK = "query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { inStock } } }";
const ADJUST_STOCK = `mutation($variantId: ID!, $delta: Int!) {
  adjustStock(variantId: $variantId, delta: $delta, reason: "count") { userErrors { code } } }`;

const adjustStock = (variantId: string, delta: number) =>
  callSubgraph(inventory.url, ADJUST_STOCK, { variantId, delta }, { accessToken: inventory.tokens.admin() });

describe("a subgraph's /metrics", () => {
  it("parses as Prometheus text, with the pool, the outbox and the queues read at scrape time", async () => {
    const owner = queueOwner("inventory", inventory.config.EVENTS_QUEUE_NAMESPACE);
    const queues = ["catalogue", "checkout", "customer-data"].flatMap((purpose) => [
      `${owner}.${purpose}`,
      `${owner}.${purpose}.retry`,
      `${owner}.${purpose}.dlq`,
    ]);
    // A reading that misses the scrape's deadline is left out of that scrape: the next one has it.
    const scrape = await waitFor(
      async () => {
        const read = await metrics();
        return read.has("cartograph_outbox_unpublished_events") && read.has("cartograph_events_queue_messages") && read;
      },
      { what: "the scrape-time readings" },
    );
    for (const [name, type] of [
      ["cartograph_subgraph_operations_total", "COUNTER"],
      ["cartograph_subgraph_operation_duration_seconds", "HISTOGRAM"],
      ["cartograph_events_consumed_total", "COUNTER"],
      ["cartograph_events_published_total", "COUNTER"],
      ["cartograph_db_pool_connections", "GAUGE"],
      ["cartograph_outbox_unpublished_events", "GAUGE"],
      ["cartograph_outbox_oldest_unpublished_age_seconds", "GAUGE"],
      ["cartograph_events_queue_messages", "GAUGE"],
      ["process_resident_memory_bytes", "GAUGE"],
    ] as const) {
      expect({ name, type: scrape.typeOf(name) }).toEqual({ name, type });
    }
    expect(scrape.sum("cartograph_db_pool_max_connections", { database: database() })).toBe(8);
    expect(scrape.labelValues("cartograph_outbox_unpublished_events", "database")).toEqual(new Set([database()]));
    expect(scrape.labelValues("cartograph_events_queue_messages", "queue")).toEqual(new Set(queues));
  });

  it("counts and times operations by type and root field", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 3 });
    const before = await metrics();
    for (let i = 0; i < 2; i += 1) {
      const answer = await callSubgraph(inventory.url, IN_STOCK, {
        r: [{ __typename: "ProductVariant", id: variantId }],
      });
      expect(answer.errors).toBeUndefined();
    }
    expect((await adjustStock(variantId, 1)).errors).toBeUndefined();
    expect((await callSubgraph(inventory.url, "{ nothingHere }")).errors?.[0]?.extensions?.code).toBe(
      "GRAPHQL_VALIDATION_FAILED",
    );
    const after = await metrics();

    const entities = { operation_type: "query", root_field: "_entities" };
    expect(moved(before, after, "cartograph_subgraph_operations_total", { ...entities, outcome: "success" })).toBe(2);
    expect(moved(before, after, "cartograph_subgraph_operation_duration_seconds", entities)).toBe(2);
    expect(
      moved(before, after, "cartograph_subgraph_operations_total", {
        operation_type: "mutation",
        root_field: "adjustStock",
        outcome: "success",
      }),
    ).toBe(1);
    expect(
      moved(before, after, "cartograph_subgraph_operation_errors_total", {
        operation_type: "unknown",
        root_field: "unknown",
        code: "GRAPHQL_VALIDATION_FAILED",
      }),
    ).toBe(1);
  });

  it("counts events consumed, skipped as duplicates and dead-lettered per queue, and those published", async () => {
    const queue = catalogueQueue();
    const created = variantEvent("variant.created", { variantId: uniqueId("var"), productId: uniqueId("prd") });
    const before = await metrics();

    await inventory.broker.publishEvent(created);
    await untilMoved(before, "cartograph_events_consumed_total", { queue, outcome: "applied" }, 1);
    await inventory.broker.publishEvent(created);
    await untilMoved(before, "cartograph_events_consumed_total", { queue, outcome: "duplicate" }, 1);
    await inventory.broker.publish("variant.created", Buffer.from("not an event"));
    await untilMoved(before, "cartograph_events_dead_lettered_total", { queue, reason: "invalid" }, 1);
    const after = await metrics();
    expect(moved(before, after, "cartograph_event_handling_duration_seconds", { queue })).toBe(3);
    expect(moved(before, after, "cartograph_events_retried_total", { queue })).toBe(0);
    // The dead letter waits in the DLQ, as the scrape-time depth shows.
    const dlq = { queue: `${queue}.dlq` };
    await waitFor(async () => (await metrics()).sum("cartograph_events_queue_messages", dlq) === 1, {
      what: "the DLQ's depth",
    });

    // A stock change goes through the outbox; once it is relayed, the outbox is empty again.
    const published = { event_type: "stock.changed", outcome: "confirmed" };
    const outbox = { database: database() };
    const emptyOutbox = () =>
      waitFor(
        async () => {
          const scrape = await metrics();
          const empty =
            scrape.has("cartograph_outbox_unpublished_events", outbox) &&
            scrape.sum("cartograph_outbox_unpublished_events", outbox) === 0 &&
            scrape.sum("cartograph_outbox_oldest_unpublished_age_seconds", outbox) === 0;
          return empty && scrape;
        },
        { what: "the outbox to be empty" },
      );
    const settled = await emptyOutbox();
    expect((await adjustStock(created.data.variantId, 2)).errors).toBeUndefined();
    await untilMoved(settled, "cartograph_events_published_total", published, 1);
    await emptyOutbox();
  });

  it("keeps every label bounded: distinct operation names, aliases and bad fields add no series", async () => {
    const token = () => `Zq${randomBytes(6).toString("hex")}`;
    const request = (names: string[]) => [
      `query ${names[0]} { ${names[1]}: _service { sdl } }`,
      `query ${names[0]} { ${names[2]} }`,
      `query ${names[0]} { a: _service { sdl } b: __typename }`,
    ];
    for (const query of request(["Warm", "warm", "nothingHere"])) await callSubgraph(inventory.url, query);
    const before = await metrics();
    const sent: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const names = [token(), token(), token()];
      sent.push(...names);
      for (const query of request(names)) await callSubgraph(inventory.url, query);
    }
    const after = await metrics();

    expect(moved(before, after, "cartograph_subgraph_operations_total", {})).toBe(90);
    // The schema's root fields (inventory's are federation's, and two mutations), and two words.
    const rootFields = ["_entities", "_service", "__typename", "adjustStock", "setStock", "multiple", "unknown"];
    for (const value of after.labelValues("cartograph_subgraph_operations_total", "root_field")) {
      expect(rootFields).toContain(value);
    }
    expect(after.allLabelValues().filter((value) => sent.some((text) => value.includes(text)))).toEqual([]);
    // The same series as before: nothing new was created by those requests.
    expect(after.seriesCount("cartograph_subgraph_")).toBe(before.seriesCount("cartograph_subgraph_"));
  });
});
