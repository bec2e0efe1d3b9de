import { createLogger, parseConfig, queueOwner } from "@cartograph/service-kit";
import { callSubgraph } from "@cartograph/testing";
import { inventoryEnvSchema } from "../src/config";
import { waitForCatalogueToSettle } from "../src/seed/catalogue-settled";
import { catalogueQueues } from "../src/catalogue/catalogue.events";
import { startInventoryHarness, stockRow, uniqueId, variantEvent, waitFor, type InventoryHarness } from "./harness";

let inventory: InventoryHarness;
beforeAll(async () => {
  inventory = await startInventoryHarness();
});
afterAll(() => inventory?.close());

const processedCount = async (eventId: string) =>
  (
    await inventory.database.pool.query<{ n: number }>(
      "select count(*)::int as n from processed_events where event_id = $1",
      [eventId],
    )
  ).rows[0]!.n;

/** Every published event has been consumed (queue empty, nothing applied for a moment). */
const settled = () =>
  waitForCatalogueToSettle(
    {
      rabbitmqUrl: inventory.config.RABBITMQ_URL,
      queueOwner: queueOwner("inventory", inventory.config.EVENTS_QUEUE_NAMESPACE),
      db: inventory.database.db,
      log: createLogger("settle", "silent"),
    },
    { timeoutMs: 10_000, quietMs: 500, pollMs: 50 },
  );

async function variantInStock(variantId: string): Promise<boolean> {
  const result = await callSubgraph<{ _entities: Array<{ inStock: boolean }> }>(
    inventory.url,
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { inStock } } }",
    { r: [{ __typename: "ProductVariant", id: variantId }] },
  );
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0]!.inStock;
}

describe("inventory's copy of the catalogue, from variant events", () => {
  it("consumes from the inventory.catalogue queue unless told otherwise", () => {
    expect(
      catalogueQueues(queueOwner("inventory", parseConfig(inventoryEnvSchema, {}).EVENTS_QUEUE_NAMESPACE)),
    ).toEqual({
      queue: "inventory.catalogue",
      retry: "inventory.catalogue.retry",
      dlq: "inventory.catalogue.dlq",
    });
  });

  it("variant.created gives a new variant a stock row with nothing on hand; a redelivery changes nothing", async () => {
    const variantId = uniqueId("var");
    const productId = uniqueId("prd");
    const created = variantEvent(
      "variant.created",
      { variantId, productId, sku: "MUG-RED" },
      new Date(Date.now() - 60_000),
    );
    await inventory.broker.publishEvent(created);

    const row = await waitFor(() => stockRow(inventory, variantId), { what: "the stock row" });
    expect(row).toEqual({ on_hand: 0, reserved: 0, active: true, product_id: productId, sku: "MUG-RED" });
    expect(await variantInStock(variantId)).toBe(false);

    // Stock arrives and the catalogue renames the SKU; then the old event is delivered again.
    await inventory.database.pool.query("update stock_levels set on_hand = 7 where variant_id = $1", [variantId]);
    await inventory.broker.publishEvent(variantEvent("variant.updated", { variantId, productId, sku: "MUG-CRIMSON" }));
    await waitFor(async () => (await stockRow(inventory, variantId))?.sku === "MUG-CRIMSON", { what: "the rename" });
    await inventory.broker.publishEvent(created);
    expect(await settled()).toBe(true);

    expect(await stockRow(inventory, variantId)).toEqual({
      on_hand: 7,
      reserved: 0,
      active: true,
      product_id: productId,
      sku: "MUG-CRIMSON",
    });
    expect(await processedCount(created.id)).toBe(1);
    expect(await variantInStock(variantId)).toBe(true);
  });

  it("variant.updated with active false takes the variant out of stock, keeping its units", async () => {
    const variantId = uniqueId("var");
    const productId = uniqueId("prd");
    await inventory.broker.publishEvent(
      variantEvent("variant.created", { variantId, productId }, new Date(Date.now() - 1000)),
    );
    await waitFor(() => stockRow(inventory, variantId), { what: "the stock row" });
    await inventory.database.pool.query("update stock_levels set on_hand = 5 where variant_id = $1", [variantId]);
    expect(await variantInStock(variantId)).toBe(true);

    await inventory.broker.publishEvent(variantEvent("variant.updated", { variantId, productId, active: false }));
    await waitFor(async () => (await stockRow(inventory, variantId))?.active === false, { what: "deactivation" });
    expect(await variantInStock(variantId)).toBe(false);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 5, reserved: 0 });
  });

  it("an update older than the one already applied (a retry arriving late) does not undo it", async () => {
    const variantId = uniqueId("var");
    const productId = uniqueId("prd");
    const now = Date.now();
    await inventory.broker.publishEvent(
      variantEvent("variant.updated", { variantId, productId, active: false, sku: "NEW" }, new Date(now)),
    );
    await waitFor(() => stockRow(inventory, variantId), { what: "the stock row" });
    await inventory.broker.publishEvent(
      variantEvent("variant.updated", { variantId, productId, active: true, sku: "OLD" }, new Date(now - 5_000)),
    );
    await inventory.broker.publishEvent(
      variantEvent("variant.created", { variantId, productId, active: true, sku: "OLDEST" }, new Date(now - 10_000)),
    );
    expect(await settled()).toBe(true);
    expect(await stockRow(inventory, variantId)).toMatchObject({ active: false, sku: "NEW" });
  });
});
