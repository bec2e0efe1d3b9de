import { callSubgraph } from "@cartograph/testing";
import { startInventoryHarness, stockRow, stockVariant, uniqueId, type InventoryHarness } from "./harness";

interface StockPayload {
  stock: { variantId: string; onHand: number; reserved: number; available: number } | null;
  userErrors: Array<{ code: string; field: string[] | null; message: string }>;
}

const SET_STOCK = `mutation($variantId: ID!, $onHand: Int!) {
  setStock(variantId: $variantId, onHand: $onHand) { stock { variantId onHand reserved available } userErrors { code field message } } }`;
const ADJUST_STOCK = `mutation($variantId: ID!, $delta: Int!, $reason: String!) {
  adjustStock(variantId: $variantId, delta: $delta, reason: $reason) { stock { variantId onHand reserved available } userErrors { code field message } } }`;

let inventory: InventoryHarness;
beforeAll(async () => {
  inventory = await startInventoryHarness();
});
afterAll(() => inventory?.close());

const adminId = () => uniqueId("usr_admin");

async function setStock(variantId: string, onHand: number, token: string | null = inventory.tokens.admin()) {
  const result = await callSubgraph<{ setStock: StockPayload }>(
    inventory.url,
    SET_STOCK,
    { variantId, onHand },
    { accessToken: token },
  );
  return result;
}

async function adjustStock(
  variantId: string,
  delta: number,
  reason: string,
  token: string | null = inventory.tokens.admin(),
) {
  return callSubgraph<{ adjustStock: StockPayload }>(
    inventory.url,
    ADJUST_STOCK,
    { variantId, delta, reason },
    { accessToken: token },
  );
}

async function auditOf(variantId: string) {
  const { rows } = await inventory.database.pool.query(
    "select kind, delta, on_hand_after, reason, actor from stock_adjustments where variant_id = $1 order by created_at, id",
    [variantId],
  );
  return rows;
}

/** Holds `quantity` units for a fresh order, as the checkout saga would. */
const holdForOrder = (variantId: string, quantity: number) =>
  inventory.database.db.transaction((tx) =>
    inventory.service.reservations.reserveOrder(tx, uniqueId("ord"), [{ variantId, quantity }]),
  );

describe("setStock and adjustStock (admin)", () => {
  it("an admin sets and adjusts stock; each change is audited with who did it and why", async () => {
    const { variantId } = await stockVariant(inventory);
    const admin = adminId();
    const token = inventory.tokens.admin(admin);

    const set = await setStock(variantId, 12, token);
    expect(set.errors).toBeUndefined();
    expect(set.data!.setStock).toEqual({
      stock: { variantId, onHand: 12, reserved: 0, available: 12 },
      userErrors: [],
    });

    const adjusted = await adjustStock(variantId, -5, "  two mugs broke in the warehouse  ", token);
    expect(adjusted.data!.adjustStock).toEqual({
      stock: { variantId, onHand: 7, reserved: 0, available: 7 },
      userErrors: [],
    });

    expect(await auditOf(variantId)).toEqual([
      { kind: "set", delta: 12, on_hand_after: 12, reason: null, actor: admin },
      { kind: "adjust", delta: -5, on_hand_after: 7, reason: "two mugs broke in the warehouse", actor: admin },
    ]);
  });

  it("shows reserved units and what is left to buy", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    await holdForOrder(variantId, 4);
    const result = await adjustStock(variantId, 2, "delivery");
    expect(result.data!.adjustStock.stock).toEqual({ variantId, onHand: 12, reserved: 4, available: 8 });
  });

  it("is FORBIDDEN for a customer and UNAUTHENTICATED for an anonymous caller, and changes nothing", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 3 });
    const asCustomer = [
      await setStock(variantId, 99, inventory.tokens.customer()),
      await adjustStock(variantId, 5, "mine", inventory.tokens.customer()),
    ];
    for (const result of asCustomer) {
      expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(result.data).toBeNull();
    }
    const anonymous = [await setStock(variantId, 99, null), await adjustStock(variantId, 5, "anyone", null)];
    for (const result of anonymous) expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 3 });
    expect(await auditOf(variantId)).toEqual([]);
  });

  it("answers bad input with userErrors naming the field, never an internal error, and changes nothing", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 5 });
    await holdForOrder(variantId, 2);
    const cases: Array<
      [Promise<{ errors?: unknown; data?: Record<string, StockPayload> | null }>, string, string[], RegExp]
    > = [
      [setStock(variantId, -1), "INVALID", ["onHand"], /cannot be negative/],
      [
        setStock(variantId, 1),
        "INVALID",
        ["onHand"],
        /Orders hold 2 units of this variant, so stock on hand cannot be set below 2/,
      ],
      [setStock(variantId, 1_000_001), "INVALID", ["onHand"], /at most 1,000,000/],
      [setStock("var_nobody_knows", 5), "NOT_FOUND", ["variantId"], /no variant/],
      [adjustStock(variantId, 0, "nothing"), "INVALID", ["delta"], /at least one unit/],
      [adjustStock(variantId, -6, "too many"), "INVALID", ["delta"], /Only 5 units are on hand/],
      [
        adjustStock(variantId, -4, "into the reserve"),
        "INVALID",
        ["delta"],
        /Orders hold 2 of the 5 units on hand, so you can remove at most 3/,
      ],
      [adjustStock(variantId, 1, "   "), "INVALID", ["reason"], /Give a reason/],
      [adjustStock(variantId, 1, "x".repeat(201)), "INVALID", ["reason"], /at most 200/],
      [adjustStock(variantId, 2_000_000_000, "overflow"), "INVALID", ["delta"], /at most 1,000,000/],
      [adjustStock("var_nobody_knows", 1, "ghost"), "NOT_FOUND", ["variantId"], /no variant/],
    ];
    for (const [pending, code, field, message] of cases) {
      const result = await pending;
      expect(result.errors).toBeUndefined();
      const payload = Object.values(result.data!)[0]!;
      expect(payload.stock).toBeNull();
      expect(payload.userErrors).toEqual([{ code, field, message: expect.stringMatching(message) }]);
    }
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 5, reserved: 2 });
    expect(await auditOf(variantId)).toEqual([]);
  });

  it("20 concurrent adjustments of +1 add exactly 20, each audited with its own result", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 100 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => adjustStock(variantId, 1, `delivery ${i}`)));
    for (const result of results) expect(result.data!.adjustStock.userErrors).toEqual([]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 120 });
    const audit = await auditOf(variantId);
    expect(audit).toHaveLength(20);
    expect(audit.map((row) => row.on_hand_after).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => 101 + i),
    );
  });
});

describe("ProductVariant.stock (admin)", () => {
  const STOCK =
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { id inStock stock { onHand reserved available } } } }";

  it("is visible to admins; a customer gets FORBIDDEN on that field but still sees inStock", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 6 });
    const r = [{ __typename: "ProductVariant", id: variantId }];

    const asAdmin = await callSubgraph<{ _entities: Array<{ inStock: boolean; stock: unknown }> }>(
      inventory.url,
      STOCK,
      { r },
      { accessToken: inventory.tokens.admin() },
    );
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data!._entities[0]).toEqual({
      id: variantId,
      inStock: true,
      stock: { onHand: 6, reserved: 0, available: 6 },
    });

    for (const token of [inventory.tokens.customer(), null]) {
      const result = await callSubgraph<{ _entities: Array<{ inStock: boolean; stock: unknown }> }>(
        inventory.url,
        STOCK,
        { r },
        { accessToken: token },
      );
      expect(result.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
        [token ? "FORBIDDEN" : "UNAUTHENTICATED", ["_entities", 0, "stock"]],
      ]);
      expect(result.data!._entities[0]).toEqual({ id: variantId, inStock: true, stock: null });
    }
  });
});

describe("stock.changed", () => {
  /** What each `stock.changed` in the outbox said of this variant, oldest first. */
  async function announced(variantId: string) {
    const { rows } = await inventory.database.pool.query<{
      envelope: { data: { variants: Array<{ variantId: string; inStock?: boolean; available?: number }> } };
    }>("select envelope from outbox_events where type = 'stock.changed' order by occurred_at, id");
    return rows.flatMap((row) => row.envelope.data.variants.filter((v) => v.variantId === variantId));
  }
  const announcedInStock = async (variantId: string) => (await announced(variantId)).map((v) => v.inStock);

  it("says whether any unit can be bought after each change, for notifications' back-in-stock alerts", async () => {
    const { variantId } = await stockVariant(inventory);
    expect((await setStock(variantId, 0)).data!.setStock.userErrors).toEqual([]);
    expect((await setStock(variantId, 2)).data!.setStock.userErrors).toEqual([]);
    // Every unit held by an order: none can be bought.
    expect(await holdForOrder(variantId, 2)).toEqual({ ok: true });
    expect((await adjustStock(variantId, 3, "restock")).data!.adjustStock.userErrors).toEqual([]);
    expect(await announcedInStock(variantId)).toEqual([false, true, false, true]);
  });

  it("says how many units a checkout could reserve after each change, for orders' cart checks", async () => {
    const { variantId } = await stockVariant(inventory);
    await setStock(variantId, 5);
    expect(await holdForOrder(variantId, 2)).toEqual({ ok: true });
    await adjustStock(variantId, -1, "breakage");
    expect((await announced(variantId)).map((v) => v.available)).toEqual([5, 3, 2]);
  });
});
