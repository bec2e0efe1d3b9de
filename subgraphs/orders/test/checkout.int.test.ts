import { randomUUID } from "node:crypto";
import { waitFor } from "@cartograph/testing";
import { addToCart, checkout, knownVariant, startOrdersHarness, type OrdersHarness } from "./harness";

let orders: OrdersHarness;
beforeAll(async () => {
  orders = await startOrdersHarness();
});
afterAll(() => orders?.close());

async function outboxOf(orderId: string) {
  const { rows } = await orders.database.pool.query<{ type: string; envelope: { data: Record<string, unknown> } }>(
    "select type, envelope from outbox_events where aggregate_id = $1 order by occurred_at, id",
    [orderId],
  );
  return rows;
}

const ORDER = `query($id: ID!) { order(id: $id) { id status statusHistory { status reason } } }`;
async function statusOf(orderId: string, token = orders.tokens.admin()) {
  const result = await orders.gql<{
    order: { status: string; statusHistory: Array<{ status: string; reason: string | null }> } | null;
  }>(ORDER, { id: orderId }, token);
  return result.data?.order ?? null;
}

describe("checkout", () => {
  it("turns the cart into a PENDING order with snapshots, empties the cart, and announces it", async () => {
    const userId = `usr_${randomUUID().slice(0, 8)}`;
    const token = orders.tokens.customer(userId);
    const variantId = await knownVariant(orders, { price: 2500, name: "Walnut Desk" });
    await addToCart(orders, token, variantId, 2);
    const placed = await checkout(orders, token);
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({
      status: "PENDING",
      number: expect.stringMatching(/^CG-\d{6}$/),
      subtotal: { amount: "50.00" },
      shipping: { amount: "0.00" },
      total: { amount: "50.00" },
      customer: { id: userId },
      lines: [
        {
          name: "Walnut Desk",
          quantity: 2,
          unitPrice: { amount: "25.00" },
          lineTotal: { amount: "50.00" },
          variant: { id: variantId },
        },
      ],
      shippingAddress: { line1: "1 Main St", country: "US" },
      statusHistory: [{ status: "PENDING", reason: null }],
    });
    const cart = await orders.gql<{ myCart: { lines: unknown[] } }>(`{ myCart { lines { id } } }`, {}, token);
    expect(cart.data!.myCart.lines).toEqual([]);
    const events = await outboxOf(placed.order!.id);
    expect(events.map((e) => e.type)).toEqual(["order.placed", "order.status_changed"]);
    expect(events[0]!.envelope.data).toMatchObject({
      userId,
      paymentToken: "tok_visa",
      total: { amount: 5000, currencyCode: "USD" },
      lines: [{ variantId, quantity: 2, unitPrice: { amount: 2500 } }],
    });
    // A later price change does not touch the order's snapshot.
    const { rows } = await orders.database.pool.query(
      "select product_id, sku from catalogue_variants where variant_id = $1",
      [variantId],
    );
    await orders.publish("variant.updated", variantId, {
      variantId,
      productId: rows[0].product_id,
      sku: rows[0].sku,
      title: "Default",
      productName: "Renamed",
      price: { amount: 9999, currencyCode: "USD" },
      active: true,
    });
    // The catalogue copy has taken the change...
    await waitFor(
      async () => {
        const { rows: copy } = await orders.database.pool.query<{ price: number; product_name: string }>(
          "select price, product_name from catalogue_variants where variant_id = $1",
          [variantId],
        );
        return copy[0]?.price === 9999 && copy[0].product_name === "Renamed";
      },
      { what: "the price change to reach the catalogue copy" },
    );
    // ...and the order's snapshot has not.
    const again = await orders.gql<{ order: { lines: Array<{ name: string; unitPrice: { amount: string } }> } }>(
      `query($id: ID!) { order(id: $id) { lines { name unitPrice { amount } } } }`,
      { id: placed.order!.id },
      token,
    );
    expect(again.data!.order.lines[0]).toEqual({ name: "Walnut Desk", unitPrice: { amount: "25.00" } });
  });

  it("refuses an empty cart, an invalid address and a missing token, naming the fields", async () => {
    const token = orders.tokens.customer();
    expect((await checkout(orders, token)).userErrors[0]).toMatchObject({
      code: "INVALID",
      message: "Your cart is empty.",
    });
    await addToCart(orders, token, await knownVariant(orders));
    const result = await orders.gql<{ checkout: { order: null; userErrors: Array<{ field: string[] }> } }>(
      `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code field } } }`,
      {
        input: {
          shippingAddress: { line1: "", city: "X", postalCode: "1", country: "ZZ" },
          paymentToken: " ",
          idempotencyKey: "k",
        },
      },
      token,
    );
    expect(result.data!.checkout.userErrors.map((e) => e.field.join("."))).toEqual(
      expect.arrayContaining(["input.shippingAddress.line1", "input.shippingAddress.country", "input.paymentToken"]),
    );
  });

  it("the same idempotency key returns the same order; a different cart under it is IDEMPOTENCY_CONFLICT", async () => {
    const token = orders.tokens.customer();
    const key = randomUUID();
    const variantId = await knownVariant(orders);
    await addToCart(orders, token, variantId);
    const first = await checkout(orders, token, key);
    const retry = await checkout(orders, token, key);
    expect(retry.order!.id).toBe(first.order!.id);
    await addToCart(orders, token, await knownVariant(orders));
    const conflict = await checkout(orders, token, key);
    expect(conflict.order).toBeNull();
    expect(conflict.userErrors[0]).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", field: ["input", "idempotencyKey"] });
    expect((await outboxOf(first.order!.id)).filter((e) => e.type === "order.placed")).toHaveLength(1);
  });

  it("5 concurrent checkouts with one key create one order and one order.placed", async () => {
    const userId = `usr_${randomUUID().slice(0, 8)}`;
    const token = orders.tokens.customer(userId);
    await addToCart(orders, token, await knownVariant(orders), 3);
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => checkout(orders, token, key)));
    expect(new Set(results.map((r) => r.order?.id)).size).toBe(1);
    const { rows } = await orders.database.pool.query("select id from orders where user_id = $1", [userId]);
    expect(rows).toHaveLength(1);
    expect((await outboxOf(rows[0].id)).filter((e) => e.type === "order.placed")).toHaveLength(1);
  });

  it("redeems a coupon once per order and never past its limit", async () => {
    const code = `ONCE${process.pid}`;
    await orders.gql(
      `mutation($input: CreateCouponInput!) { createCoupon(input: $input) { coupon { code } } }`,
      { input: { code, amountOff: "1.00", maxRedemptions: 1 } },
      orders.tokens.admin(),
    );
    const [ann, bob] = [orders.tokens.customer(), orders.tokens.customer()];
    for (const token of [ann, bob]) {
      await addToCart(orders, token, await knownVariant(orders, { price: 1000 }));
      const applied = await orders.gql<{ cartApplyCoupon: { userErrors: unknown[] } }>(
        `mutation($c: String!) { cartApplyCoupon(code: $c) { userErrors { code } } }`,
        { c: code },
        token,
      );
      expect(applied.data!.cartApplyCoupon.userErrors).toEqual([]);
    }
    const annOrder = await checkout(orders, ann);
    expect(annOrder.userErrors).toEqual([]);
    expect(annOrder.order!.discount.amount).toBe("1.00");
    const bobOrder = await checkout(orders, bob);
    // Bob's cart still has the code, but it is used up: his order is placed without a discount.
    expect(bobOrder.userErrors).toEqual([]);
    expect(bobOrder.order!.discount.amount).toBe("0.00");
    const { rows } = await orders.database.pool.query<{ redemptions: number }>(
      "select redemptions from coupons where code = $1",
      [code],
    );
    expect(rows).toEqual([{ redemptions: 1 }]);
  });
});

describe("the saga moves the order along its transition table", () => {
  async function placedOrder() {
    const token = orders.tokens.customer();
    await addToCart(orders, token, await knownVariant(orders));
    return { token, order: (await checkout(orders, token)).order! };
  }

  it("PENDING -> RESERVED -> PAID, announcing order.paid; late or duplicate events change nothing", async () => {
    const { order } = await placedOrder();
    await orders.publish("inventory.reserved", order.id, { orderId: order.id });
    await orders.eventually(async () => expect((await statusOf(order.id))!.status).toBe("RESERVED"));
    await orders.publish("payment.succeeded", order.id, {
      orderId: order.id,
      paymentId: "pay_1",
      amount: { amount: 2598, currencyCode: "USD" },
    });
    await orders.eventually(async () => expect((await statusOf(order.id))!.status).toBe("PAID"));
    const late = [
      await orders.publish("inventory.reserved", order.id, { orderId: order.id }),
      await orders.publish("payment.failed", order.id, { orderId: order.id, paymentId: "pay_1", reason: "late" }),
    ];
    await waitFor(async () => (await orders.processed(late[0]!.id)) && orders.processed(late[1]!.id), {
      what: "the late events to be applied",
    });
    const final = await statusOf(order.id);
    expect(final!.statusHistory.map((change) => change.status)).toEqual(["PENDING", "RESERVED", "PAID"]);
    const types = (await outboxOf(order.id)).map((e) => e.type);
    expect(types.filter((type) => type === "order.paid")).toHaveLength(1);
    expect(types.filter((type) => type === "order.status_changed")).toHaveLength(3);
  });

  it("out of stock and a declined payment end CANCELLED with a reason and announce order.cancelled", async () => {
    const { order: short } = await placedOrder();
    await orders.publish("inventory.rejected", short.id, {
      orderId: short.id,
      shortages: [{ variantId: "v", requested: 1, available: 0 }],
    });
    await orders.eventually(async () =>
      expect((await statusOf(short.id))!.statusHistory.at(-1)).toEqual({ status: "CANCELLED", reason: "Out of stock" }),
    );
    const { order: declined } = await placedOrder();
    await orders.publish("inventory.reserved", declined.id, { orderId: declined.id });
    await orders.publish("payment.failed", declined.id, {
      orderId: declined.id,
      paymentId: "pay_2",
      reason: "Your card was declined.",
    });
    await orders.eventually(async () =>
      expect((await statusOf(declined.id))!.statusHistory.at(-1)).toEqual({
        status: "CANCELLED",
        reason: "Payment declined: Your card was declined.",
      }),
    );
    expect((await outboxOf(declined.id)).map((e) => e.type)).toContain("order.cancelled");
  });
});

describe("a checkout that fails gives the cart back", () => {
  const CART = `{ myCart { couponCode lines { quantity variant { id } } } }`;
  const cartOf = async (token: string) =>
    (
      await orders.gql<{
        myCart: { couponCode: string | null; lines: Array<{ quantity: number; variant: { id: string } }> };
      }>(CART, {}, token)
    ).data!.myCart;
  const reasonOf = async (orderId: string) =>
    (
      await orders.gql<{ order: { cancellationReason: string | null } }>(
        `query($id: ID!) { order(id: $id) { cancellationReason } }`,
        { id: orderId },
        orders.tokens.admin(),
      )
    ).data!.order.cancellationReason;

  it("declined: CANCELLED with PAYMENT_DECLINED, lines back beside what was added since, coupon back and released", async () => {
    const token = orders.tokens.customer();
    const code = `AGAIN${process.pid}`;
    const created = await orders.gql(
      `mutation($input: CreateCouponInput!) { createCoupon(input: $input) { userErrors { code } } }`,
      { input: { code, percentOff: 10, maxRedemptions: 1 } },
      orders.tokens.admin(),
    );
    expect(created.errors).toBeUndefined();
    const desk = await knownVariant(orders, { price: 3000 });
    const lamp = await knownVariant(orders, { price: 500 });
    await addToCart(orders, token, desk, 2);
    await orders.gql(`mutation($c: String!) { cartApplyCoupon(code: $c) { userErrors { code } } }`, { c: code }, token);
    const { order } = await checkout(orders, token);
    expect(order!.discount).toEqual({ amount: "6.00" });
    expect(await cartOf(token)).toEqual({ couponCode: null, lines: [] });
    await addToCart(orders, token, lamp, 1);

    await orders.publish("inventory.reserved", order!.id, { orderId: order!.id });
    const failed = await orders.publish("payment.failed", order!.id, {
      orderId: order!.id,
      paymentId: "pay_back",
      reason: "Your card was declined.",
    });
    await waitFor(() => orders.processed(failed.id), { what: "the declined payment to be applied" });
    expect(await reasonOf(order!.id)).toBe("PAYMENT_DECLINED");
    const back = await cartOf(token);
    expect(back.couponCode).toBe(code);
    expect(back.lines).toEqual(
      expect.arrayContaining([
        { quantity: 2, variant: { id: desk } },
        { quantity: 1, variant: { id: lamp } },
      ]),
    );
    expect(back.lines).toHaveLength(2);
    // The single redemption was released: the same coupon checks out again.
    const again = await checkout(orders, token);
    expect(again.userErrors).toEqual([]);
    expect(again.order!.discount).toEqual({ amount: "6.50" });
  });

  it("out of stock: OUT_OF_STOCK and the cart back once, however often the answer is delivered", async () => {
    const token = orders.tokens.customer();
    const stool = await knownVariant(orders);
    await addToCart(orders, token, stool, 3);
    const { order } = await checkout(orders, token);
    const rejected = { orderId: order!.id, shortages: [{ variantId: stool, requested: 3, available: 1 }] };
    const first = await orders.publish("inventory.rejected", order!.id, rejected);
    const second = await orders.publish("inventory.rejected", order!.id, rejected);
    await waitFor(async () => (await orders.processed(first.id)) && orders.processed(second.id), {
      what: "both rejections to be applied",
    });
    expect(await reasonOf(order!.id)).toBe("OUT_OF_STOCK");
    expect(await cartOf(token)).toEqual({ couponCode: null, lines: [{ quantity: 3, variant: { id: stool } }] });
  });

  it("a customer's own cancellation says so and does not refill the cart", async () => {
    const token = orders.tokens.customer();
    await addToCart(orders, token, await knownVariant(orders));
    const { order } = await checkout(orders, token);
    await orders.gql(`mutation($id: ID!) { cancelOrder(id: $id) { userErrors { code } } }`, { id: order!.id }, token);
    expect(await reasonOf(order!.id)).toBe("CANCELLED_BY_CUSTOMER");
    expect((await cartOf(token)).lines).toEqual([]);
  });
});

describe("after checkout", () => {
  it("the customer cancels before shipping; others cannot; a shipped order cannot be cancelled", async () => {
    const token = orders.tokens.customer();
    await addToCart(orders, token, await knownVariant(orders));
    const { order } = await checkout(orders, token);
    const cancel = `mutation($id: ID!) { cancelOrder(id: $id) { order { status } userErrors { code } } }`;
    expect((await orders.gql(cancel, { id: order!.id }, orders.tokens.customer())).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    const mine = await orders.gql<{ cancelOrder: { order: { status: string } } }>(cancel, { id: order!.id }, token);
    expect(mine.data!.cancelOrder.order.status).toBe("CANCELLED");
    const again = await orders.gql<{ cancelOrder: { userErrors: Array<{ code: string }> } }>(
      cancel,
      { id: order!.id },
      token,
    );
    expect(again.data!.cancelOrder.userErrors).toEqual([{ code: "INVALID_STATE" }]);
  });

  it("admins ship and deliver paid orders, and nothing else", async () => {
    const token = orders.tokens.customer();
    await addToCart(orders, token, await knownVariant(orders));
    const { order } = await checkout(orders, token);
    const set = (status: string, who = orders.tokens.admin()) =>
      orders.gql<{ updateOrderStatus: { order: { status: string } | null; userErrors: Array<{ code: string }> } }>(
        `mutation($id: ID!, $s: OrderStatus!) { updateOrderStatus(id: $id, status: $s) { order { status } userErrors { code } } }`,
        { id: order!.id, s: status },
        who,
      );
    expect((await set("SHIPPED")).data!.updateOrderStatus.userErrors).toEqual([{ code: "INVALID_STATE" }]);
    expect((await set("PAID")).data!.updateOrderStatus.userErrors).toEqual([{ code: "INVALID" }]);
    expect((await set("SHIPPED", token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await orders.publish("inventory.reserved", order!.id, { orderId: order!.id });
    await orders.publish("payment.succeeded", order!.id, {
      orderId: order!.id,
      paymentId: "p",
      amount: { amount: 1, currencyCode: "USD" },
    });
    await orders.eventually(async () => expect((await statusOf(order!.id))!.status).toBe("PAID"));
    expect((await set("SHIPPED")).data!.updateOrderStatus.order).toEqual({ status: "SHIPPED" });
    expect((await set("DELIVERED")).data!.updateOrderStatus.order).toEqual({ status: "DELIVERED" });
  });

  it("order history is the customer's own, newest first, paginated; admins list by status", async () => {
    const userId = `usr_${randomUUID().slice(0, 8)}`;
    const token = orders.tokens.customer(userId);
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) {
      await addToCart(orders, token, await knownVariant(orders));
      placed.push((await checkout(orders, token)).order!.id);
    }
    const history = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on User { orders(first: $first, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }`;
    type History = {
      _entities: Array<{
        orders: {
          totalCount: number;
          nodes: Array<{ id: string }>;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      }>;
    };
    const first = await orders.gql<History>(history, { r: [{ __typename: "User", id: userId }], first: 2 }, token);
    const page1 = first.data!._entities[0]!.orders;
    expect(page1.totalCount).toBe(3);
    const second = await orders.gql<History>(
      history,
      { r: [{ __typename: "User", id: userId }], first: 2, after: page1.pageInfo.endCursor },
      token,
    );
    expect([...page1.nodes, ...second.data!._entities[0]!.orders.nodes].map((n) => n.id)).toEqual(
      [...placed].reverse(),
    );
    expect(
      (await orders.gql(history, { r: [{ __typename: "User", id: userId }] }, orders.tokens.customer())).errors?.[0]
        ?.extensions?.code,
    ).toBe("FORBIDDEN");
    const pending = await orders.gql<{ orders: { nodes: Array<{ status: string }> } }>(
      `{ orders(status: PENDING, first: 100) { nodes { status } } }`,
      {},
      orders.tokens.admin(),
    );
    expect(pending.data!.orders.nodes.length).toBeGreaterThanOrEqual(3);
    expect(pending.data!.orders.nodes.every((n) => n.status === "PENDING")).toBe(true);
    expect((await orders.gql(`{ orders { totalCount } }`, {}, token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("events that overtake each other", () => {
  it("a payment answer arriving before inventory's is applied once the order is reserved", async () => {
    const token = orders.tokens.customer();
    await addToCart(orders, token, await knownVariant(orders));
    const { order } = await checkout(orders, token);
    const retriesBefore = await orders.checkoutRetries();
    await orders.publish("payment.succeeded", order!.id, {
      orderId: order!.id,
      paymentId: "pay_early",
      amount: { amount: 1, currencyCode: "USD" },
    });
    // The early answer has been tried on the PENDING order and put back for a retry.
    await waitFor(async () => (await orders.checkoutRetries()) > retriesBefore, {
      what: "the early payment.succeeded to be sent for retry",
    });
    expect((await statusOf(order!.id))!.status).toBe("PENDING");
    await orders.publish("inventory.reserved", order!.id, { orderId: order!.id });
    await orders.eventually(async () =>
      expect((await statusOf(order!.id))!.statusHistory.map((c) => c.status)).toEqual(["PENDING", "RESERVED", "PAID"]),
    );
  });
});
