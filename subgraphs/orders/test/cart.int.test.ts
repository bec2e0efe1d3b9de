import { waitFor } from "@cartograph/testing";
import {
  addToCart,
  announceStock,
  CART_FIELDS,
  checkout,
  knownVariant,
  startOrdersHarness,
  type CartResult,
  type OrdersHarness,
} from "./harness";

let orders: OrdersHarness;
beforeAll(async () => {
  orders = await startOrdersHarness();
});
afterAll(() => orders?.close());

const update = (token: string, lineId: string, quantity: number) =>
  orders.gql<{ cartUpdateLine: CartResult }>(
    `mutation($l: ID!, $q: Int!) { cartUpdateLine(lineId: $l, quantity: $q) { ${CART_FIELDS} } }`,
    { l: lineId, q: quantity },
    token,
  );
const applyCoupon = (token: string, code: string) =>
  orders.gql<{ cartApplyCoupon: CartResult }>(
    `mutation($c: String!) { cartApplyCoupon(code: $c) { ${CART_FIELDS} } }`,
    { c: code },
    token,
  );
const createCoupon = (input: Record<string, unknown>, token = orders.tokens.admin()) =>
  orders.gql<{
    createCoupon: { coupon: { code: string } | null; userErrors: Array<{ code: string; field: string[] }> };
  }>(
    `mutation($input: CreateCouponInput!) { createCoupon(input: $input) { coupon { code percentOff amountOff { amount } } userErrors { code field message } } }`,
    { input },
    token,
  );

describe("the cart", () => {
  it("starts empty, needs a signed-in shopper, and never writes when looked at", async () => {
    const empty = await orders.gql<{ myCart: { lines: unknown[]; total: { amount: string } } }>(
      `{ myCart { id lines { id } total { amount } } }`,
      {},
      orders.tokens.customer(),
    );
    expect(empty.data!.myCart).toMatchObject({ lines: [], total: { amount: "0.00" } });
    expect((await orders.gql(`{ myCart { id } }`, {}, null)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await orders.database.pool.query("select count(*)::int as n from carts")).rows[0].n).toBe(0);
  });

  it("adds, merges, updates and removes lines, priced from the catalogue copy, with shipping", async () => {
    const token = orders.tokens.customer();
    const chair = await knownVariant(orders, { price: 1999 });
    const lamp = await knownVariant(orders, { price: 500, name: "Lamp" });
    await addToCart(orders, token, chair);
    const merged = await addToCart(orders, token, chair, 2);
    expect(merged.cart!.lines).toHaveLength(1);
    expect(merged.cart!.lines[0]).toMatchObject({
      quantity: 3,
      unitPrice: { amount: "19.99" },
      lineTotal: { amount: "59.97" },
      variant: { id: chair },
    });
    // 59.97 reaches the free shipping threshold (50.00).
    expect(merged.cart).toMatchObject({
      subtotal: { amount: "59.97" },
      shipping: { amount: "0.00" },
      total: { amount: "59.97" },
      totalQuantity: 3,
    });
    const withLamp = await addToCart(orders, token, lamp);
    const chairLine = withLamp.cart!.lines.find((line) => line.variant.id === chair)!;
    const fewer = await update(token, chairLine.id, 1);
    expect(fewer.data!.cartUpdateLine.cart).toMatchObject({
      subtotal: { amount: "24.99" },
      shipping: { amount: "5.99" },
      total: { amount: "30.98" },
    });
    const removed = await update(token, chairLine.id, 0);
    expect(removed.data!.cartUpdateLine.cart!.lines.map((line) => line.variant.id)).toEqual([lamp]);
  });

  it("refuses bad quantities, unknown or discontinued variants, and other shoppers' lines", async () => {
    const token = orders.tokens.customer();
    const chair = await knownVariant(orders);
    const gone = await knownVariant(orders, { active: false, name: "Old Stool" });
    for (const quantity of [0, -1, 100])
      expect((await addToCart(orders, token, chair, quantity)).userErrors[0]).toMatchObject({
        code: "INVALID",
        field: ["quantity"],
      });
    expect((await addToCart(orders, token, "var_unknown")).userErrors[0]).toMatchObject({
      code: "NOT_FOUND",
      field: ["variantId"],
    });
    expect((await addToCart(orders, token, gone)).userErrors[0]).toMatchObject({
      code: "INVALID",
      message: expect.stringContaining("Old Stool"),
    });
    const mine = await addToCart(orders, token, chair);
    const theirs = await update(orders.tokens.customer(), mine.cart!.lines[0]!.id, 5);
    expect(theirs.data!.cartUpdateLine.userErrors[0]).toMatchObject({ code: "NOT_FOUND" });
  });

  it("marks a line unavailable when its product is deleted, and leaves it out of the totals", async () => {
    const token = orders.tokens.customer();
    const variantId = await knownVariant(orders, { price: 1000 });
    await addToCart(orders, token, variantId, 2);
    const { rows } = await orders.database.pool.query(
      "select product_id, sku from catalogue_variants where variant_id = $1",
      [variantId],
    );
    await orders.publish("variant.updated", variantId, {
      variantId,
      productId: rows[0].product_id,
      sku: rows[0].sku,
      title: "Default",
      productName: "Oak Chair",
      price: { amount: 1000, currencyCode: "USD" },
      active: false,
    });
    const cart = await orders.eventually(async () => {
      const result = await orders.gql<{
        myCart: { lines: Array<{ available: boolean }>; subtotal: { amount: string } };
      }>(`{ myCart { lines { available } subtotal { amount } } }`, {}, token);
      if (result.data!.myCart.lines[0]!.available) throw new Error("still available");
      return result.data!.myCart;
    });
    expect(cart.subtotal.amount).toBe("0.00");
  });
});

describe("coupons", () => {
  it("are created by admins with exactly one kind of discount", async () => {
    expect(
      (await createCoupon({ code: "both1", percentOff: 10, amountOff: "5.00" })).data!.createCoupon.userErrors[0],
    ).toMatchObject({ code: "INVALID" });
    expect((await createCoupon({ code: "none1" })).data!.createCoupon.userErrors[0]).toMatchObject({ code: "INVALID" });
    expect(
      (await createCoupon({ code: "pct" + process.pid, percentOff: 101 })).data!.createCoupon.userErrors[0],
    ).toMatchObject({ field: ["input", "percentOff"] });
    expect((await createCoupon({ code: "x", percentOff: 10 })).data!.createCoupon.userErrors[0]).toMatchObject({
      field: ["input", "code"],
    });
    const created = await createCoupon({ code: `save${process.pid}`, amountOff: "5.00" });
    expect(created.data!.createCoupon.coupon).toMatchObject({ code: `SAVE${process.pid}` });
    expect(
      (await createCoupon({ code: `save${process.pid}`, percentOff: 5 })).data!.createCoupon.userErrors[0],
    ).toMatchObject({ code: "TAKEN" });
    expect(
      (await createCoupon({ code: "cust1", percentOff: 5 }, orders.tokens.customer())).errors?.[0]?.extensions?.code,
    ).toBe("FORBIDDEN");
  });

  it("apply in any case, discount the cart, and refuse unknown, expired or too-small carts", async () => {
    const token = orders.tokens.customer();
    const variantId = await knownVariant(orders, { price: 4000 });
    await addToCart(orders, token, variantId);
    await createCoupon({ code: `TENOFF${process.pid}`, percentOff: 10 });
    await createCoupon({ code: `BIG${process.pid}`, amountOff: "10.00", minSubtotal: "100.00" });
    // A coupon's expiry must be in the future when it is created: this one expires soon after.
    const expiresAt = Date.now() + 1000;
    const old = await createCoupon({
      code: `OLD${process.pid}`,
      percentOff: 50,
      expiresAt: new Date(expiresAt).toISOString(),
    });
    expect(old.data!.createCoupon.userErrors).toEqual([]);
    const applied = (await applyCoupon(token, `tenoff${process.pid}`)).data!.cartApplyCoupon;
    expect(applied.cart).toMatchObject({
      couponCode: `TENOFF${process.pid}`,
      subtotal: { amount: "40.00" },
      discount: { amount: "4.00" },
      shipping: { amount: "5.99" },
      total: { amount: "41.99" },
    });
    expect((await applyCoupon(token, "NOPE123")).data!.cartApplyCoupon.userErrors[0]).toMatchObject({
      code: "COUPON_INVALID",
      field: ["code"],
    });
    expect((await applyCoupon(token, `BIG${process.pid}`)).data!.cartApplyCoupon.userErrors[0]).toMatchObject({
      code: "COUPON_INVALID",
    });
    await waitFor(() => Date.now() > expiresAt, { what: `OLD${process.pid} to expire` });
    expect((await applyCoupon(token, `OLD${process.pid}`)).data!.cartApplyCoupon.userErrors[0]).toMatchObject({
      code: "COUPON_INVALID",
      message: "This coupon has expired or been used up.",
    });
    expect((await applyCoupon(token, "")).data!.cartApplyCoupon.cart).toMatchObject({
      couponCode: null,
      discount: { amount: "0.00" },
    });
  });
});

describe("stock, checked when a line is added or changed and again at checkout", () => {
  it("refuses more than inventory last said can be had, with the quantity available, and changes nothing", async () => {
    const token = orders.tokens.customer();
    const chair = await knownVariant(orders, { name: "Stool" });
    await announceStock(orders, chair, 3);
    const two = await addToCart(orders, token, chair, 2);
    expect(two.userErrors).toEqual([]);
    const line = two.cart!.lines[0]!;

    const tooMany = await addToCart(orders, token, chair, 2);
    expect(tooMany).toEqual({
      cart: null,
      userErrors: [
        { code: "OUT_OF_STOCK", field: ["quantity"], message: "Only 3 of Stool are in stock.", quantityAvailable: 3 },
      ],
    });
    const raised = (await update(token, line.id, 4)).data!.cartUpdateLine;
    expect(raised.userErrors).toEqual([expect.objectContaining({ code: "OUT_OF_STOCK", quantityAvailable: 3 })]);
    expect((await update(token, line.id, 3)).data!.cartUpdateLine.cart!.lines[0]!.quantity).toBe(3);

    // Stock falls to 1: lowering the line is allowed, checkout names the line and what is left.
    await announceStock(orders, chair, 1);
    expect((await update(token, line.id, 2)).data!.cartUpdateLine.userErrors).toEqual([]);
    const refused = await checkout(orders, token);
    expect(refused).toEqual({
      order: null,
      userErrors: [
        {
          code: "OUT_OF_STOCK",
          field: ["lines", line.id],
          message: "Only 1 of Stool is in stock.",
          quantityAvailable: 1,
        },
      ],
    });
    const kept = await orders.gql<{ myCart: { lines: Array<{ quantity: number }> } }>(
      `{ myCart { lines { quantity } } }`,
      {},
      token,
    );
    expect(kept.data!.myCart.lines).toEqual([{ quantity: 2 }]);

    // An older announcement arriving late does not undo the newer one; sold out reads as such.
    await announceStock(orders, chair, 50, new Date(Date.now() - 60_000));
    await announceStock(orders, chair, 0);
    expect((await addToCart(orders, token, chair, 1)).userErrors).toEqual([
      { code: "OUT_OF_STOCK", field: ["quantity"], message: "Stool is out of stock.", quantityAvailable: 0 },
    ]);
    expect((await update(token, line.id, 1)).data!.cartUpdateLine.userErrors).toEqual([]);
  });

  it("does not refuse a variant inventory has not announced: its reservation decides", async () => {
    const token = orders.tokens.customer();
    const unannounced = await knownVariant(orders);
    expect((await addToCart(orders, token, unannounced, 5)).userErrors).toEqual([]);
    expect((await checkout(orders, token)).order!.status).toBe("PENDING");
  });
});

describe("guest carts", () => {
  const LINES = `lines { id quantity variant { id } }`;
  type GuestCart = {
    id: string;
    totalQuantity: number;
    lines: Array<{ id: string; quantity: number; variant: { id: string } }>;
  };
  type Payload = {
    cart: GuestCart | null;
    userErrors: Array<{ code: string; field: string[] | null; quantityAvailable: number | null }>;
  };
  const ERRORS = `userErrors { code field quantityAvailable }`;
  const create = async () =>
    (
      await orders.gql<{ cartCreate: Payload }>(
        `mutation { cartCreate { cart { id totalQuantity ${LINES} } ${ERRORS} } }`,
        {},
        null,
      )
    ).data!.cartCreate.cart!;
  const add = async (
    cartId: string,
    lines: Array<{ variantId: string; quantity: number }>,
    token: string | null = null,
  ) =>
    (
      await orders.gql<{ cartLinesAdd: Payload }>(
        `mutation($c: ID!, $l: [CartLineInput!]!) { cartLinesAdd(cartId: $c, lines: $l) { cart { id totalQuantity ${LINES} } ${ERRORS} } }`,
        { c: cartId, l: lines },
        token,
      )
    ).data!.cartLinesAdd;
  const updateLines = async (cartId: string, lines: Array<{ id: string; quantity: number }>) =>
    (
      await orders.gql<{ cartLinesUpdate: Payload }>(
        `mutation($c: ID!, $l: [CartLineUpdateInput!]!) { cartLinesUpdate(cartId: $c, lines: $l) { cart { id totalQuantity ${LINES} } ${ERRORS} } }`,
        { c: cartId, l: lines },
        null,
      )
    ).data!.cartLinesUpdate;
  const removeLines = async (cartId: string, lineIds: string[]) =>
    (
      await orders.gql<{ cartLinesRemove: Payload }>(
        `mutation($c: ID!, $l: [ID!]!) { cartLinesRemove(cartId: $c, lineIds: $l) { cart { id totalQuantity ${LINES} } ${ERRORS} } }`,
        { c: cartId, l: lineIds },
        null,
      )
    ).data!.cartLinesRemove;
  const read = async (id: string, token: string | null = null) =>
    (
      await orders.gql<{ cart: GuestCart | null }>(
        `query($id: ID!) { cart(id: $id) { id totalQuantity ${LINES} } }`,
        { id },
        token,
      )
    ).data!.cart;
  const merge = (cartId: string, token: string | null) =>
    orders.gql<{ cartMerge: Payload }>(
      `mutation($c: ID!) { cartMerge(cartId: $c) { cart { id totalQuantity ${LINES} } ${ERRORS} } }`,
      { c: cartId },
      token,
    );
  const quantities = (cart: GuestCart | null) =>
    Object.fromEntries((cart?.lines ?? []).map((line) => [line.variant.id, line.quantity]));

  it("a guest makes a cart and changes it by its id, all or nothing, without signing in", async () => {
    const [chair, lamp] = [await knownVariant(orders), await knownVariant(orders, { price: 500 })];
    const cart = await create();
    expect(cart).toEqual({ id: expect.stringMatching(/^gcart_[A-Za-z0-9_-]{24}$/), totalQuantity: 0, lines: [] });
    const filled = await add(cart.id, [
      { variantId: chair, quantity: 2 },
      { variantId: lamp, quantity: 1 },
    ]);
    expect(filled.userErrors).toEqual([]);
    expect(quantities(filled.cart)).toEqual({ [chair]: 2, [lamp]: 1 });
    expect(await read(cart.id)).toEqual(filled.cart);

    // One bad line refuses the whole call, naming the line; nothing was added.
    const refused = await add(cart.id, [
      { variantId: lamp, quantity: 1 },
      { variantId: "var_nope", quantity: 1 },
    ]);
    expect(refused).toEqual({
      cart: null,
      userErrors: [{ code: "NOT_FOUND", field: ["lines", "1", "variantId"], quantityAvailable: null }],
    });
    expect((await add(cart.id, [{ variantId: lamp, quantity: 0 }])).userErrors[0]).toMatchObject({
      code: "INVALID",
      field: ["lines", "0", "quantity"],
    });
    expect((await add(cart.id, [])).userErrors[0]).toMatchObject({ code: "INVALID", field: ["lines"] });
    expect(quantities(await read(cart.id))).toEqual({ [chair]: 2, [lamp]: 1 });

    const chairLine = filled.cart!.lines.find((line) => line.variant.id === chair)!;
    const lampLine = filled.cart!.lines.find((line) => line.variant.id === lamp)!;
    expect(quantities((await updateLines(cart.id, [{ id: chairLine.id, quantity: 5 }])).cart)).toEqual({
      [chair]: 5,
      [lamp]: 1,
    });
    expect(quantities((await removeLines(cart.id, [lampLine.id])).cart)).toEqual({ [chair]: 5 });
    expect((await removeLines(cart.id, [lampLine.id])).userErrors[0]).toMatchObject({
      code: "NOT_FOUND",
      field: ["lines", "0", "id"],
    });

    // Stock is checked for guests too.
    await announceStock(orders, lamp, 1);
    expect((await add(cart.id, [{ variantId: lamp, quantity: 2 }])).userErrors).toEqual([
      { code: "OUT_OF_STOCK", field: ["lines", "0", "quantity"], quantityAvailable: 1 },
    ]);
  });

  it("reaches no customer's cart by id but one's own, and no cart that does not exist", async () => {
    const userId = `usr_${process.pid}_${Date.now()}`;
    const token = orders.tokens.customer(userId);
    const chair = await knownVariant(orders);
    await addToCart(orders, token, chair);
    const ownId = `cart_${userId}`;
    expect(await read(ownId)).toBeNull();
    expect(await read(ownId, orders.tokens.customer())).toBeNull();
    expect((await add(ownId, [{ variantId: chair, quantity: 1 }])).userErrors).toEqual([
      { code: "NOT_FOUND", field: ["cartId"], quantityAvailable: null },
    ]);
    expect(quantities(await read(ownId, token))).toEqual({ [chair]: 1 });
    expect(quantities((await add(ownId, [{ variantId: chair, quantity: 2 }], token)).cart)).toEqual({ [chair]: 3 });
    expect(await read("gcart_doesnotexistatall000000")).toBeNull();
    expect(
      (await add("gcart_doesnotexistatall000000", [{ variantId: chair, quantity: 1 }])).userErrors[0],
    ).toMatchObject({ code: "NOT_FOUND", field: ["cartId"] });
  });

  it("merges into the customer's cart at sign-in: quantities add up, the guest cart is gone", async () => {
    const token = orders.tokens.customer();
    const [chair, lamp] = [await knownVariant(orders), await knownVariant(orders)];
    await addToCart(orders, token, chair, 1);
    const guest = await create();
    await add(guest.id, [
      { variantId: chair, quantity: 2 },
      { variantId: lamp, quantity: 1 },
    ]);
    expect((await merge(guest.id, null)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const merged = (await merge(guest.id, token)).data!.cartMerge;
    expect(merged.userErrors).toEqual([]);
    expect(quantities(merged.cart)).toEqual({ [chair]: 3, [lamp]: 1 });
    expect(await read(guest.id)).toBeNull();
    expect((await merge(guest.id, token)).data!.cartMerge.userErrors[0]).toMatchObject({
      code: "NOT_FOUND",
      field: ["cartId"],
    });
  });

  it("takes a coupon by the cart's id, without signing in, and keeps it at sign-in", async () => {
    const code = `GUEST${process.pid}`;
    await createCoupon({ code, percentOff: 10 });
    const chair = await knownVariant(orders, { price: 4000 });
    const guest = await create();
    await add(guest.id, [{ variantId: chair, quantity: 1 }]);
    const applyToCart = (cartId: string | null, couponCode: string, token: string | null = null) =>
      orders.gql<{ cartApplyCoupon: Payload & { cart: { couponCode: string | null; discount: { amount: string } } } }>(
        `mutation($c: ID, $code: String!) { cartApplyCoupon(cartId: $c, code: $code) { cart { id couponCode discount { amount } } ${ERRORS} } }`,
        { c: cartId, code: couponCode },
        token,
      );
    const applied = (await applyToCart(guest.id, code.toLowerCase())).data!.cartApplyCoupon;
    expect(applied.userErrors).toEqual([]);
    expect(applied.cart).toEqual({ id: guest.id, couponCode: code, discount: { amount: "4.00" } });
    expect((await applyToCart(guest.id, "NOPE123")).data!.cartApplyCoupon).toEqual({
      cart: null,
      userErrors: [{ code: "COUPON_INVALID", field: ["code"], quantityAvailable: null }],
    });
    // Without a cart id it is the caller's own cart, which a guest does not have.
    expect((await applyToCart(null, code)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    // At sign-in the guest cart's coupon comes along (the customer's cart had none).
    const userId = `usr_${process.pid}_${Date.now()}_coupon`;
    const token = orders.tokens.customer(userId);
    const merged = (await merge(guest.id, token)).data!.cartMerge;
    expect(merged.userErrors).toEqual([]);
    const couponOf = async () =>
      (await orders.gql<{ myCart: { couponCode: string | null } }>(`{ myCart { couponCode } }`, {}, token)).data!.myCart
        .couponCode;
    expect(await couponOf()).toBe(code);
    // That customer's cart now exists: by its id, neither a guest nor another customer reaches it,
    // and an unknown id is no cart either. Nothing changes.
    for (const [cartId, caller] of [
      [`cart_${userId}`, null],
      [`cart_${userId}`, orders.tokens.customer()],
      ["gcart_doesnotexistatall000000", null],
      ["", null],
    ] as const)
      expect((await applyToCart(cartId, "", caller)).data!.cartApplyCoupon.userErrors).toEqual([
        { code: "NOT_FOUND", field: ["cartId"], quantityAvailable: null },
      ]);
    expect(await couponOf()).toBe(code);
    // The customer's own cart by its id, with their token, is theirs.
    expect((await applyToCart(`cart_${userId}`, "", token)).data!.cartApplyCoupon.cart).toMatchObject({
      id: `cart_${userId}`,
      couponCode: null,
    });
  });

  it("refuses more than 50 lines in one call, and removes a line set to 0", async () => {
    const chair = await knownVariant(orders);
    const cart = await create();
    const tooMany = Array.from({ length: 51 }, () => ({ variantId: chair, quantity: 1 }));
    expect((await add(cart.id, tooMany)).userErrors).toEqual([
      { code: "INVALID", field: ["lines"], quantityAvailable: null },
    ]);
    const line = (await add(cart.id, [{ variantId: chair, quantity: 2 }])).cart!.lines[0]!;
    expect((await updateLines(cart.id, [{ id: line.id, quantity: 0 }])).cart!.lines).toEqual([]);
  });

  it("sweeps guest carts left untouched for 30 days when new ones are made", async () => {
    const idle = await create();
    const kept = await create();
    await orders.database.pool.query("update carts set updated_at = now() - interval '31 days' where id = $1", [
      idle.id,
    ]);
    await create();
    expect(await read(idle.id)).toBeNull();
    expect(await read(kept.id)).not.toBeNull();
  });
});
