import { createLogger } from "@cartograph/service-kit";
import { connectPostgres, type Database } from "@cartograph/service-kit/db";
import { schema, type InventoryDb } from "../src/db";
import { ReservationService, type OrderLine } from "../src/reservation/reservation.service";
import { startInventoryHarness, stockRow, stockVariant, uniqueId, type InventoryHarness } from "./harness";

let inventory: InventoryHarness;
let reservations: ReservationService;
let db: InventoryDb;

beforeAll(async () => {
  inventory = await startInventoryHarness();
  reservations = inventory.service.reservations;
  db = inventory.database.db;
});
afterAll(() => inventory?.close());

const reserve = (orderId: string, lines: OrderLine[], service = reservations) =>
  db.transaction((tx) => service.reserveOrder(tx, orderId, lines));
const release = (orderId: string) => db.transaction((tx) => reservations.releaseOrder(tx, orderId));
const commit = (orderId: string) => db.transaction((tx) => reservations.commitOrder(tx, orderId));
const restock = (orderId: string) => db.transaction((tx) => reservations.restockOrder(tx, orderId));
const statuses = async (orderId: string) =>
  (await db.transaction((tx) => reservations.linesOf(tx, orderId))).map(
    (line) => `${line.variantId}:${line.quantity}:${line.status}`,
  );

describe("reserving stock for an order", () => {
  it("reserving the last 10 units 50 times at once succeeds exactly 10 times, and available never goes below 0", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    // 50 connections, so all 50 transactions really run at once.
    const wide: Database<typeof schema> = connectPostgres(
      inventory.config.DATABASE_URL,
      schema,
      createLogger("wide", "silent"),
      { max: 50 },
    );
    const poller = connectPostgres(inventory.config.DATABASE_URL, schema, createLogger("poller", "silent"), { max: 1 });
    try {
      let polling = true;
      const seen: number[] = [];
      const polls = (async () => {
        while (polling) {
          const { rows } = await poller.pool.query<{ available: number }>(
            "select on_hand - reserved as available from stock_levels where variant_id = $1",
            [variantId],
          );
          seen.push(rows[0]!.available);
        }
      })();
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          wide.db.transaction((tx) =>
            reservations.reserveOrder(tx, uniqueId(`ord_race${i}`), [{ variantId, quantity: 1 }]),
          ),
        ),
      );
      polling = false;
      await polls;

      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(10);
      for (const outcome of outcomes.filter((o) => !o.ok))
        expect(outcome).toEqual({ ok: false, shortages: [{ variantId, requested: 1, available: 0 }] });
      expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 10, reserved: 10 });
      expect(seen.length).toBeGreaterThan(0);
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
      const { rows } = await inventory.database.pool.query(
        "select count(*)::int as n, sum(quantity)::int as units from reservations where variant_id = $1 and status = 'HELD'",
        [variantId],
      );
      expect(rows[0]).toEqual({ n: 10, units: 10 });
    } finally {
      await wide.close();
      await poller.close();
    }
  });

  it("reserves none of an order's lines when one of them cannot be satisfied, and names every shortage", async () => {
    const plenty = await stockVariant(inventory, { onHand: 5 });
    const scarce = await stockVariant(inventory, { onHand: 3 });
    const inactive = await stockVariant(inventory, { onHand: 9, active: false });
    const orderId = uniqueId("ord");

    const outcome = await reserve(orderId, [
      { variantId: plenty.variantId, quantity: 2 },
      { variantId: scarce.variantId, quantity: 10 },
      { variantId: inactive.variantId, quantity: 1 },
      { variantId: "var_nobody_knows", quantity: 1 },
    ]);

    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && [...outcome.shortages].sort((a, b) => a.variantId.localeCompare(b.variantId))).toEqual(
      [
        { variantId: scarce.variantId, requested: 10, available: 3 },
        { variantId: inactive.variantId, requested: 1, available: 0 },
        { variantId: "var_nobody_knows", requested: 1, available: 0 },
      ].sort((a, b) => a.variantId.localeCompare(b.variantId)),
    );
    expect(await stockRow(inventory, plenty.variantId)).toMatchObject({ on_hand: 5, reserved: 0 });
    expect(await stockRow(inventory, scarce.variantId)).toMatchObject({ on_hand: 3, reserved: 0 });
    expect(await statuses(orderId)).toEqual([]);
  });

  it("counts a variant listed twice as one line of the summed quantity", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 4 });
    const tooMany = await reserve(uniqueId("ord"), [
      { variantId, quantity: 3 },
      { variantId, quantity: 2 },
    ]);
    expect(tooMany).toEqual({ ok: false, shortages: [{ variantId, requested: 5, available: 4 }] });

    const orderId = uniqueId("ord");
    expect(
      await reserve(orderId, [
        { variantId, quantity: 2 },
        { variantId, quantity: 2 },
      ]),
    ).toEqual({ ok: true });
    expect(await statuses(orderId)).toEqual([`${variantId}:4:HELD`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 4, reserved: 4 });
  });

  it("reserving the same order twice reserves once and answers the same", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    const orderId = uniqueId("ord");
    expect(await reserve(orderId, [{ variantId, quantity: 3 }])).toEqual({ ok: true });
    expect(await reserve(orderId, [{ variantId, quantity: 3 }])).toEqual({ ok: true });
    expect(await stockRow(inventory, variantId)).toMatchObject({ reserved: 3 });

    // At once, too: the second waits for the first and then sees its answer.
    const concurrent = uniqueId("ord");
    const both = await Promise.all([
      reserve(concurrent, [{ variantId, quantity: 2 }]),
      reserve(concurrent, [{ variantId, quantity: 2 }]),
    ]);
    expect(both).toEqual([{ ok: true }, { ok: true }]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ reserved: 5 });
  });

  it("a rejected order stays rejected when asked again, even after stock arrives", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 1 });
    const orderId = uniqueId("ord");
    const first = await reserve(orderId, [{ variantId, quantity: 2 }]);
    expect(first).toEqual({ ok: false, shortages: [{ variantId, requested: 2, available: 1 }] });
    await inventory.database.pool.query("update stock_levels set on_hand = 50 where variant_id = $1", [variantId]);
    expect(await reserve(orderId, [{ variantId, quantity: 2 }])).toEqual(first);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 50, reserved: 0 });
  });

  it("refuses a malformed request instead of guessing", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 5 });
    await expect(reserve(uniqueId("ord"), [])).rejects.toThrow();
    await expect(reserve(uniqueId("ord"), [{ variantId, quantity: 0 }])).rejects.toThrow();
    await expect(reserve(uniqueId("ord"), [{ variantId, quantity: 1.5 }])).rejects.toThrow();
    expect(await stockRow(inventory, variantId)).toMatchObject({ reserved: 0 });
  });
});

describe("releasing, committing and restocking an order", () => {
  it("release returns held units once, however often it is asked", async () => {
    const a = await stockVariant(inventory, { onHand: 10 });
    const b = await stockVariant(inventory, { onHand: 10 });
    const orderId = uniqueId("ord");
    await reserve(orderId, [
      { variantId: a.variantId, quantity: 2 },
      { variantId: b.variantId, quantity: 3 },
    ]);

    expect(await release(orderId)).toHaveLength(2);
    expect(await release(orderId)).toEqual([]);
    expect(await stockRow(inventory, a.variantId)).toMatchObject({ on_hand: 10, reserved: 0 });
    expect(await stockRow(inventory, b.variantId)).toMatchObject({ on_hand: 10, reserved: 0 });
    // A released order cannot be committed any more.
    expect(await commit(orderId)).toEqual([]);
    expect(await stockRow(inventory, a.variantId)).toMatchObject({ on_hand: 10, reserved: 0 });
  });

  it("commit moves units out of on hand once; restock brings them back once", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    const orderId = uniqueId("ord");
    await reserve(orderId, [{ variantId, quantity: 4 }]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 10, reserved: 4 });

    expect(await commit(orderId)).toEqual([{ variantId, quantity: 4 }]);
    expect(await commit(orderId)).toEqual([]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 6, reserved: 0 });
    expect(await statuses(orderId)).toEqual([`${variantId}:4:COMMITTED`]);
    // Paid stock is gone from the warehouse: releasing now changes nothing.
    expect(await release(orderId)).toEqual([]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 6, reserved: 0 });

    expect(await restock(orderId)).toEqual([{ variantId, quantity: 4 }]);
    expect(await restock(orderId)).toEqual([]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 10, reserved: 0 });
    expect(await statuses(orderId)).toEqual([`${variantId}:4:RESTOCKED`]);
  });

  it("commit and release of one order at once: exactly one of them applies", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    const orderId = uniqueId("ord");
    await reserve(orderId, [{ variantId, quantity: 4 }]);
    const [committed, released] = await Promise.all([commit(orderId), release(orderId)]);
    expect(committed.length + released.length).toBe(1);
    expect(await stockRow(inventory, variantId)).toEqual(
      expect.objectContaining(committed.length ? { on_hand: 6, reserved: 0 } : { on_hand: 10, reserved: 0 }),
    );
  });

  it("an unknown order has nothing to release, commit or restock", async () => {
    const orderId = uniqueId("ord_unknown");
    expect(await release(orderId)).toEqual([]);
    expect(await commit(orderId)).toEqual([]);
    expect(await restock(orderId)).toEqual([]);
  });
});

describe("the reservation sweeper", () => {
  // Holds that expired a minute before they were made; the database clock decides, like in production.
  const expiredAlready = () => new ReservationService(db, { ttlSeconds: -60 });

  it("releases an expired hold and leaves unexpired and committed ones alone", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 20 });
    const expired = uniqueId("ord_expired");
    const fresh = uniqueId("ord_fresh");
    const paid = uniqueId("ord_paid");
    await reserve(expired, [{ variantId, quantity: 2 }], expiredAlready());
    await reserve(paid, [{ variantId, quantity: 3 }], expiredAlready());
    await commit(paid);
    await reserve(fresh, [{ variantId, quantity: 5 }]);

    expect(await inventory.service.sweeper.sweepOnce()).toBe(1);
    expect(await statuses(expired)).toEqual([`${variantId}:2:RELEASED`]);
    expect(await statuses(fresh)).toEqual([`${variantId}:5:HELD`]);
    expect(await statuses(paid)).toEqual([`${variantId}:3:COMMITTED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 17, reserved: 5 });
    expect(await inventory.service.sweeper.sweepOnce()).toBe(0);
  });

  it("two sweepers at once (two replicas) release each expired order once", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 100 });
    const service = expiredAlready();
    const orders = Array.from({ length: 30 }, () => uniqueId("ord_stale"));
    for (const orderId of orders) await reserve(orderId, [{ variantId, quantity: 2 }], service);
    expect(await stockRow(inventory, variantId)).toMatchObject({ reserved: 60 });

    // Small batches so both replicas take several turns.
    const sweep = async () => {
      const released: string[] = [];
      for (;;) {
        const batch = await db.transaction((tx) => reservations.releaseExpired(tx, 4));
        if (batch.length === 0) return released;
        released.push(...batch.map((order) => order.orderId));
      }
    };
    const [first, second] = await Promise.all([sweep(), sweep()]);
    expect([...first, ...second].sort()).toEqual([...orders].sort());
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 100, reserved: 0 });
  });
});
