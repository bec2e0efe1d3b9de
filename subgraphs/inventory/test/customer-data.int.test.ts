import { callSubgraph, outboxRepliesTo, userDataRequested, userDeleted } from "@cartograph/testing";
import { startInventoryHarness, stockVariant, uniqueId, waitFor, type InventoryHarness } from "./harness";

let inventory: InventoryHarness;
beforeAll(async () => {
  inventory = await startInventoryHarness();
});
afterAll(() => inventory?.close());

const replyTo = (type: "user.data_exported" | "user.erased", requestId: string) =>
  waitFor(async () => (await outboxRepliesTo(inventory.database.pool, type, requestId))[0], {
    what: `${type} for ${requestId}`,
  });

describe("a customer's data on request", () => {
  it("answers both requests: nothing held about a customer, a staff member's stock changes exported and kept", async () => {
    const staff = uniqueId("usr_admin");
    const { variantId } = await stockVariant(inventory);
    const adjusted = await callSubgraph<{ adjustStock: { userErrors: unknown[] } }>(
      inventory.url,
      `mutation($v: ID!) { adjustStock(variantId: $v, delta: 5, reason: "Counted") { userErrors { code } } }`,
      { v: variantId },
      { accessToken: inventory.tokens.admin(staff) },
    );
    expect(adjusted.data!.adjustStock.userErrors).toEqual([]);

    const customer = userDataRequested(uniqueId("usr"));
    await inventory.broker.publishEvent(customer);
    expect(await replyTo("user.data_exported", customer.data.requestId)).toMatchObject({
      service: "inventory",
      data: { stockAdjustments: [] },
    });
    const ofStaff = userDataRequested(staff);
    await inventory.broker.publishEvent(ofStaff);
    expect(await replyTo("user.data_exported", ofStaff.data.requestId)).toMatchObject({
      data: { stockAdjustments: [{ variantId, kind: "adjust", delta: 5, reason: "Counted" }] },
    });

    const deleted = userDeleted(staff);
    await inventory.broker.publishEvent(deleted);
    expect(await replyTo("user.erased", deleted.data.requestId)).toEqual({
      requestId: deleted.data.requestId,
      userId: staff,
      service: "inventory",
      summary: {},
    });
    const { rows } = await inventory.database.pool.query("select 1 from stock_adjustments where actor = $1", [staff]);
    expect(rows).toHaveLength(1);
  });
});
