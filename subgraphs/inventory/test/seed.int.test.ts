import { createLogger, queueOwner } from "@cartograph/service-kit";
import { demoStockFor, seedDemoStock } from "../src/seed/stock";
import { waitForCatalogueToSettle } from "../src/seed/catalogue-settled";
import { startInventoryHarness, stockRow, stockVariant, uniqueId, type InventoryHarness } from "./harness";

let inventory: InventoryHarness;
beforeAll(async () => {
  inventory = await startInventoryHarness();
});
afterAll(() => inventory?.close());

const log = createLogger("seed-test", "silent");

describe("demo stock seed", () => {
  it("stocks every never-counted variant once, with a seed audit row, and leaves admins' counts alone", async () => {
    const fresh = await Promise.all(Array.from({ length: 5 }, () => stockVariant(inventory)));
    // Counted by an admin: the seed must not override it.
    const counted = await stockVariant(inventory, { onHand: 3 });
    await inventory.database.pool.query(
      "insert into stock_adjustments (id, variant_id, kind, delta, on_hand_after, reason, actor) values ($2, $1, 'set', 3, 3, null, 'usr_admin')",
      [counted.variantId, uniqueId("adj")],
    );
    // Never counted, yet 70 units are held (restocked from a refund): the seed keeps them covered.
    const held = await stockVariant(inventory, { onHand: 100 });
    await inventory.database.db.transaction((tx) =>
      inventory.service.reservations.reserveOrder(tx, uniqueId("ord"), [{ variantId: held.variantId, quantity: 70 }]),
    );

    const first = await seedDemoStock(inventory.database.db);
    expect(first.seeded).toBe(6);
    expect(await stockRow(inventory, held.variantId)).toMatchObject({ on_hand: 70, reserved: 70 });
    for (const { variantId } of fresh) {
      expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: demoStockFor(variantId), reserved: 0 });
      const { rows } = await inventory.database.pool.query(
        "select kind, delta, on_hand_after, actor from stock_adjustments where variant_id = $1",
        [variantId],
      );
      expect(rows).toEqual([
        { kind: "seed", delta: demoStockFor(variantId), on_hand_after: demoStockFor(variantId), actor: "seed" },
      ]);
    }
    expect(await stockRow(inventory, counted.variantId)).toMatchObject({ on_hand: 3 });
    // Announced, so orders' copy and the router's cache learn the demo stock.
    const announced = await inventory.database.pool.query<{
      envelope: { data: { variants: Array<{ variantId: string; available: number }> } };
    }>("select envelope from outbox_events where type = 'stock.changed'");
    const said = new Map(
      announced.rows.flatMap((row) => row.envelope.data.variants.map((v) => [v.variantId, v.available] as const)),
    );
    for (const { variantId } of fresh) expect(said.get(variantId)).toBe(demoStockFor(variantId));

    expect(await seedDemoStock(inventory.database.db)).toEqual({ seeded: 0 });
    const { rows } = await inventory.database.pool.query<{ n: number }>(
      "select count(*)::int as n from stock_adjustments where kind = 'seed'",
    );
    expect(rows[0]!.n).toBe(6);
  });

  it("waits for the catalogue queue to go quiet, and gives up (false) when there is no such queue", async () => {
    const settled = await waitForCatalogueToSettle(
      {
        rabbitmqUrl: inventory.config.RABBITMQ_URL,
        queueOwner: queueOwner("inventory", inventory.config.EVENTS_QUEUE_NAMESPACE),
        db: inventory.database.db,
        log,
      },
      { quietMs: 300, pollMs: 50, timeoutMs: 5_000 },
    );
    expect(settled).toBe(true);
    const missing = await waitForCatalogueToSettle(
      { rabbitmqUrl: inventory.config.RABBITMQ_URL, queueOwner: uniqueId("nobody"), db: inventory.database.db, log },
      { quietMs: 300, pollMs: 50, timeoutMs: 5_000 },
    );
    expect(missing).toBe(false);
  });
});
