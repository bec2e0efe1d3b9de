import { randomUUID } from "node:crypto";
import { setTimeout as pause } from "node:timers/promises";
import { outboxRepliesTo, userDataRequested, userDeleted } from "@cartograph/testing";
import { ERASED } from "../src/order/order.repository";
import { addToCart, checkout, knownVariant, startOrdersHarness, type OrdersHarness } from "./harness";

let orders: OrdersHarness;
beforeAll(async () => {
  orders = await startOrdersHarness();
});
afterAll(() => orders?.close());

/** A customer with one placed order (with a coupon) and one more line left in the cart. */
async function customerWithHistory(label: string) {
  const userId = `usr_${label}_${randomUUID().slice(0, 8)}`;
  const token = orders.tokens.customer(userId);
  const code = `CD${randomUUID().slice(0, 8).toUpperCase()}`;
  await orders.gql(
    `mutation($input: CreateCouponInput!) { createCoupon(input: $input) { coupon { code } } }`,
    { input: { code, amountOff: "1.00" } },
    orders.tokens.admin(),
  );
  const ordered = await knownVariant(orders, { price: 2500 });
  await addToCart(orders, token, ordered, 2);
  await orders.gql(`mutation($c: String!) { cartApplyCoupon(code: $c) { userErrors { code } } }`, { c: code }, token);
  const placed = await checkout(orders, token);
  expect(placed.userErrors).toEqual([]);
  const inCart = await knownVariant(orders, { price: 700 });
  await addToCart(orders, token, inCart, 3);
  return { userId, code, orderId: placed.order!.id, orderNumber: placed.order!.number, ordered, inCart };
}

const repliesTo = <T extends "user.data_exported" | "user.erased">(type: T, requestId: string) =>
  outboxRepliesTo(orders.database.pool, type, requestId);

async function oneReplyTo<T extends "user.data_exported" | "user.erased">(type: T, requestId: string) {
  return orders.eventually(async () => {
    const replies = await repliesTo(type, requestId);
    if (replies.length === 0) throw new Error(`no ${type} for ${requestId} yet`);
    return replies[0]!;
  });
}

const addressOf = async (orderId: string) =>
  (await orders.database.pool.query("select user_id, total, shipping_address from orders where id = $1", [orderId]))
    .rows[0];
const cartRowsOf = async (userId: string) =>
  (
    await orders.database.pool.query<{ lines: number }>(
      "select count(l.id)::int as lines from carts c left join cart_lines l on l.cart_id = c.id where c.user_id = $1 group by c.id",
      [userId],
    )
  ).rows;

describe("a customer's data on request", () => {
  it("user.data_requested: exports the customer's cart and orders, and nobody else's", async () => {
    const ann = await customerWithHistory("ann");
    const bob = await customerWithHistory("bob");
    const request = userDataRequested(ann.userId);
    const { requestId } = request.data;
    await orders.broker.publishEvent(request);

    const reply = await oneReplyTo("user.data_exported", requestId);
    expect(reply).toMatchObject({ requestId, userId: ann.userId, service: "orders" });
    expect(reply.data).toMatchObject({
      // Checkout took the coupon off the cart; the order keeps it.
      cart: { couponCode: null, lines: [{ variantId: ann.inCart, quantity: 3 }] },
      orders: [
        {
          id: ann.orderId,
          number: ann.orderNumber,
          status: "PENDING",
          subtotal: { amount: 5000, currencyCode: "USD" },
          discount: { amount: 100, currencyCode: "USD" },
          couponCode: ann.code,
          shippingAddress: { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
          lines: [{ variantId: ann.ordered, quantity: 2, unitPrice: { amount: 2500, currencyCode: "USD" } }],
          statusHistory: [{ status: "PENDING", reason: null }],
        },
      ],
      couponCodesUsed: [ann.code],
    });
    const exported = JSON.stringify(reply);
    for (const other of [bob.userId, bob.orderId, bob.code, bob.inCart, bob.ordered])
      expect(exported).not.toContain(other);
  });

  it("user.deleted: removes the cart, anonymises the orders (country kept), says so once", async () => {
    const ann = await customerWithHistory("ann");
    const bob = await customerWithHistory("bob");
    const before = await addressOf(ann.orderId);
    const bobBefore = await addressOf(bob.orderId);
    const deleted = userDeleted(ann.userId);
    const { requestId } = deleted.data;
    await orders.broker.publishEvent(deleted);

    const reply = await oneReplyTo("user.erased", requestId);
    expect(reply).toEqual({
      requestId,
      userId: ann.userId,
      service: "orders",
      summary: { carts: 1, cartLines: 1, ordersAnonymised: 1 },
    });
    expect(await cartRowsOf(ann.userId)).toEqual([]);
    // Her published events (their lines, her export's part with her address) are gone from the outbox.
    const published = await orders.database.pool.query(
      "select type from outbox_events where published_at is not null and type <> 'user.erased' and envelope->'data'->>'userId' = $1",
      [ann.userId],
    );
    expect(published.rows).toEqual([]);
    expect(await addressOf(ann.orderId)).toEqual({
      user_id: ann.userId,
      total: before.total,
      shipping_address: { line1: ERASED, line2: null, city: ERASED, postalCode: ERASED, country: "US" },
    });
    // Another customer's data is untouched.
    expect(await addressOf(bob.orderId)).toEqual(bobBefore);
    expect(await cartRowsOf(bob.userId)).toEqual([{ lines: 1 }]);

    // The same event again is skipped by the inbox; a second request finds nothing left.
    await orders.broker.publishEvent(deleted);
    const again = userDeleted(ann.userId, requestId);
    await orders.broker.publishEvent(again);
    await orders.eventually(async () => expect(await orders.processed(again.id)).toBe(true));
    await pause(500);
    expect((await repliesTo("user.erased", requestId)).map((r) => r.summary)).toEqual([
      { carts: 1, cartLines: 1, ordersAnonymised: 1 },
      { carts: 0, cartLines: 0, ordersAnonymised: 0 },
    ]);
    expect((await addressOf(ann.orderId)).shipping_address.country).toBe("US");
  });
});
