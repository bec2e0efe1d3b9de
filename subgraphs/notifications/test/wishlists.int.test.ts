import { eventEnvelope } from "@cartograph/testing";
import {
  emailsOf,
  mailTo,
  processed,
  registeredCustomer,
  startNotificationsHarness,
  uniqueId,
  waitFor,
  type NotificationsHarness,
} from "./harness";

let harness: NotificationsHarness;
beforeAll(async () => {
  harness = await startNotificationsHarness();
});
afterAll(() => harness?.close());

type Customer = Awaited<ReturnType<typeof registeredCustomer>>;

interface Item {
  id: string;
  addedAt: string;
  product: { id: string };
  variant: { id: string } | null;
}
interface Payload {
  wishlistItem: Item | null;
  userErrors: Array<{ code: string; field: string[] | null; message: string }>;
}

const ITEM = "wishlistItem { id addedAt product { id } variant { id } } userErrors { code field message }";
const ADD = `mutation($p: ID, $v: ID) { addToWishlist(productId: $p, variantId: $v) { ${ITEM} } }`;
const REMOVE = `mutation($p: ID, $v: ID) { removeFromWishlist(productId: $p, variantId: $v) { ${ITEM} } }`;
const WISHLIST = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on User {
  wishlist(first: $first, after: $after) { totalCount nodes { id addedAt product { id } variant { id } }
    pageInfo { hasNextPage endCursor } } } } }`;
const UPDATE_PREFERENCES = `mutation($p: [NotificationPreferenceInput!]!) { updateNotificationPreferences(preferences: $p) { userErrors { code } } }`;

/** A product of the catalogue with two variants, announced as products would; prices in minor units. */
async function catalogueProduct(price = 2000) {
  const productId = uniqueId("prd");
  const variants = [uniqueId("var"), uniqueId("var")] as const;
  for (const [i, variantId] of variants.entries()) {
    await harness.deliver(
      variantEvent("variant.created", productId, variantId, price, { title: i === 0 ? "Blue" : "Red" }),
    );
  }
  return { productId, variantIds: variants };
}

function variantEvent(
  type: "variant.created" | "variant.updated",
  productId: string,
  variantId: string,
  amount: number,
  { title = "Blue", active = true }: { title?: string; active?: boolean } = {},
) {
  return eventEnvelope(type, variantId, {
    variantId,
    productId,
    sku: `SKU-${variantId}`,
    title,
    productName: "Mug",
    price: { amount, currencyCode: "USD" },
    active,
  });
}

const stockChanged = (productId: string, variantId: string, inStock?: boolean) =>
  eventEnvelope("stock.changed", variantId, {
    variants: [{ variantId, productId, ...(inStock === undefined ? {} : { inStock }) }],
  });

async function add(customer: Customer, args: { p?: string; v?: string }): Promise<Payload> {
  const result = await harness.gql<{ addToWishlist: Payload }>(ADD, args, customer.token);
  expect(result.errors).toBeUndefined();
  return result.data!.addToWishlist;
}

async function added(customer: Customer, args: { p?: string; v?: string }): Promise<Item> {
  const payload = await add(customer, args);
  expect(payload.userErrors).toEqual([]);
  return payload.wishlistItem!;
}

async function remove(customer: Customer, args: { p?: string; v?: string }): Promise<Payload> {
  const result = await harness.gql<{ removeFromWishlist: Payload }>(REMOVE, args, customer.token);
  expect(result.errors).toBeUndefined();
  return result.data!.removeFromWishlist;
}

async function topicsOf(userId: string): Promise<Array<{ topic: string; title: string; body: string }>> {
  const { rows } = await harness.database.pool.query<{ topic: string; title: string; body: string }>(
    "select topic, title, body from notifications where user_id = $1 and topic in ('PRICE_DROP', 'BACK_IN_STOCK') order by created_at, id",
    [userId],
  );
  return rows;
}

const wishlistEmails = async (userId: string) =>
  (await emailsOf(harness, userId)).filter((row) => row.topic === "PRICE_DROP" || row.topic === "BACK_IN_STOCK");

/** Publishes the event twice at once and once more after it was applied: the inbox must skip the copies. */
async function deliverRedelivered(event: ReturnType<typeof eventEnvelope>) {
  await Promise.all([harness.broker.publishEvent(event), harness.broker.publishEvent(event)]);
  await waitFor(() => processed(harness, event.id), { what: `${event.type} to be applied` });
  await harness.deliver(event);
}

function orderPaid(userId: string, productId: string, variantId: string) {
  const orderId = uniqueId("ord");
  return eventEnvelope("order.paid", orderId, {
    orderId,
    userId,
    lines: [{ variantId, productId, quantity: 1, unitPrice: { amount: 2000, currencyCode: "USD" } }],
    paidAt: new Date().toISOString(),
  });
}

describe("wishlist mutations", () => {
  it("add a variant or a whole product once, however often asked, and remove them", async () => {
    const customer = await registeredCustomer(harness);
    const { productId, variantIds } = await catalogueProduct();
    const variant = await added(customer, { v: variantIds[0] });
    expect(variant).toMatchObject({ product: { id: productId }, variant: { id: variantIds[0] } });
    expect(await added(customer, { v: variantIds[0] })).toEqual(variant);
    const whole = await added(customer, { p: productId });
    expect(whole).toMatchObject({ product: { id: productId }, variant: null });
    expect(whole.id).not.toBe(variant.id);
    expect((await added(customer, { p: productId })).id).toBe(whole.id);

    const removed = await remove(customer, { v: variantIds[0] });
    expect(removed).toEqual({ wishlistItem: variant, userErrors: [] });
    expect((await remove(customer, { v: variantIds[0] })).userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    // The whole product's item is separate, and still there.
    expect((await remove(customer, { p: productId })).wishlistItem?.id).toBe(whole.id);
  });

  it("refuse both or neither id (INVALID), ids nobody sells (NOT_FOUND), and signed-out callers", async () => {
    const customer = await registeredCustomer(harness);
    const { productId, variantIds } = await catalogueProduct();
    const both = await add(customer, { p: productId, v: variantIds[0] });
    expect(both).toMatchObject({ wishlistItem: null, userErrors: [{ code: "INVALID" }] });
    expect((await add(customer, {})).userErrors.map((e) => e.code)).toEqual(["INVALID"]);
    expect((await remove(customer, {})).userErrors.map((e) => e.code)).toEqual(["INVALID"]);

    const unknownVariant = await add(customer, { v: "var_nobody_sells" });
    expect(unknownVariant).toMatchObject({
      wishlistItem: null,
      userErrors: [{ code: "NOT_FOUND", field: ["variantId"] }],
    });
    const unknownProduct = await add(customer, { p: "prd_nobody_sells" });
    expect(unknownProduct.userErrors).toMatchObject([{ code: "NOT_FOUND", field: ["productId"] }]);

    // A deleted product's variant is no longer sold.
    await harness.deliver(variantEvent("variant.updated", productId, variantIds[1], 2000, { active: false }));
    expect((await add(customer, { v: variantIds[1] })).userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);

    const signedOut = await harness.gql(ADD, { v: variantIds[0] }, null);
    expect(signedOut.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const { rows } = await harness.database.pool.query("select 1 from wishlist_items where user_id = $1", [
      customer.userId,
    ]);
    expect(rows).toHaveLength(0);
  });
});

describe("User.wishlist", () => {
  it("pages the owner's items, most recently added first, and is nobody else's to read", async () => {
    const customer = await registeredCustomer(harness);
    const other = await registeredCustomer(harness);
    const { productId, variantIds } = await catalogueProduct();
    const first = await added(customer, { v: variantIds[0] });
    const second = await added(customer, { p: productId });
    await added(other, { v: variantIds[1] });

    const read = (token: string, args: { first?: number; after?: string | null }) =>
      harness.gql<{
        _entities: Array<{
          wishlist: { totalCount: number; nodes: Item[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
        }>;
      }>(WISHLIST, { r: [{ __typename: "User", id: customer.userId }], ...args }, token);
    const page1 = await read(customer.token, { first: 1 });
    expect(page1.errors).toBeUndefined();
    const wishlist = page1.data!._entities[0]!.wishlist;
    expect(wishlist.totalCount).toBe(2);
    expect(wishlist.nodes).toEqual([second]);
    expect(wishlist.pageInfo.hasNextPage).toBe(true);
    const page2 = await read(customer.token, { first: 1, after: wishlist.pageInfo.endCursor });
    expect(page2.data!._entities[0]!.wishlist.nodes).toEqual([first]);
    expect(page2.data!._entities[0]!.wishlist.pageInfo.hasNextPage).toBe(false);

    expect((await read(other.token, {})).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await read(harness.tokens.admin(), {})).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("wishlist alerts", () => {
  it("tell every customer watching a variant or its product of a price drop once, in-app and by email per preferences, but not one who bought it since", async () => {
    const { productId, variantIds } = await catalogueProduct(2000);
    const [mug, otherVariant] = variantIds;
    const watcher = await registeredCustomer(harness);
    await added(watcher, { v: mug });
    // Both the variant and its product: still one alert per event.
    const wholeProduct = await registeredCustomer(harness);
    await added(wholeProduct, { p: productId });
    await added(wholeProduct, { v: mug });
    const optedOut = await registeredCustomer(harness);
    await added(optedOut, { v: mug });
    const off = await harness.gql<{ updateNotificationPreferences: { userErrors: unknown[] } }>(
      UPDATE_PREFERENCES,
      { p: [{ kind: "WISHLIST_ALERTS", channel: "EMAIL", enabled: false }] },
      optedOut.token,
    );
    expect(off.data?.updateNotificationPreferences.userErrors).toEqual([]);
    const buyer = await registeredCustomer(harness);
    await added(buyer, { v: mug });
    // Bought another variant of the same product after wishlisting: the product is bought.
    await harness.deliver(orderPaid(buyer.userId, productId, otherVariant));
    const boughtBefore = await registeredCustomer(harness);
    await harness.deliver(orderPaid(boughtBefore.userId, productId, mug));
    await added(boughtBefore, { v: mug });
    const watchesTheOtherVariant = await registeredCustomer(harness);
    await added(watchesTheOtherVariant, { v: otherVariant });

    await deliverRedelivered(variantEvent("variant.updated", productId, mug, 1499));

    const alerted = [watcher, wholeProduct, optedOut, boughtBefore];
    for (const customer of alerted) {
      expect(await topicsOf(customer.userId)).toEqual([
        {
          topic: "PRICE_DROP",
          title: "Price drop: Mug - Blue",
          body: "Mug - Blue from your wishlist is now 14.99 USD (was 20.00 USD).",
        },
      ]);
    }
    expect(await topicsOf(buyer.userId)).toEqual([]);
    expect(await topicsOf(watchesTheOtherVariant.userId)).toEqual([]);

    for (const customer of [watcher, wholeProduct, boughtBefore]) {
      await waitFor(() => mailTo(harness, customer.email).some((mail) => mail.subject === "Price drop: Mug - Blue"), {
        what: `the price drop email to ${customer.email}`,
      });
      expect((await wishlistEmails(customer.userId)).map((row) => row.topic)).toEqual(["PRICE_DROP"]);
    }
    const email = mailTo(harness, watcher.email).find((mail) => mail.subject === "Price drop: Mug - Blue")!;
    expect(email.text).toContain("is now 14.99 USD (was 20.00 USD)");
    // A wishlist alert can be unsubscribed from (kind WISHLIST_ALERTS).
    expect(email.headerLines.some((header) => header.key === "list-unsubscribe")).toBe(true);
    expect(await wishlistEmails(optedOut.userId)).toEqual([]);
    expect(await wishlistEmails(buyer.userId)).toEqual([]);
    // A redelivery queued nothing twice: each alerted customer's email went out once.
    for (const customer of [watcher, wholeProduct]) {
      expect(mailTo(harness, customer.email).filter((mail) => mail.subject?.startsWith("Price drop"))).toHaveLength(1);
    }
  });

  it("tell nobody of a price that went up or stayed the same, nor of a variant announced for the first time", async () => {
    const { productId, variantIds } = await catalogueProduct(2000);
    const watcher = await registeredCustomer(harness);
    await added(watcher, { v: variantIds[0] });
    await added(watcher, { p: productId });
    await harness.deliver(variantEvent("variant.updated", productId, variantIds[0], 2500));
    await harness.deliver(variantEvent("variant.updated", productId, variantIds[0], 2500));
    // An older snapshot arriving late is not a change back down.
    const late = variantEvent("variant.updated", productId, variantIds[0], 900);
    await harness.deliver({ ...late, occurredAt: new Date(Date.now() - 60_000).toISOString() });
    // A new variant of a watched product is no drop either, however cheap.
    await harness.deliver(variantEvent("variant.created", productId, uniqueId("var"), 100));
    // The positive sign everything above was processed: a real drop afterwards alerts, once.
    await harness.deliver(variantEvent("variant.updated", productId, variantIds[0], 2400));
    expect((await topicsOf(watcher.userId)).map((n) => n.body)).toEqual([
      "Mug - Blue from your wishlist is now 24.00 USD (was 25.00 USD).",
    ]);
  });

  it("tell watchers when a variant comes back in stock (none to some), once, and not when more arrives", async () => {
    const { productId, variantIds } = await catalogueProduct();
    const [mug, otherVariant] = variantIds;
    const watcher = await registeredCustomer(harness);
    await added(watcher, { v: mug });
    const wholeProduct = await registeredCustomer(harness);
    await added(wholeProduct, { p: productId });
    const watchesTheOtherVariant = await registeredCustomer(harness);
    await added(watchesTheOtherVariant, { v: otherVariant });

    // First sighting in stock: nobody was waiting on an absence we never saw.
    await harness.deliver(stockChanged(productId, mug, true));
    await harness.deliver(stockChanged(productId, mug, false));
    // An event from before `inStock` says nothing about availability.
    await harness.deliver(stockChanged(productId, mug));
    expect(await topicsOf(watcher.userId)).toEqual([]);

    await deliverRedelivered(stockChanged(productId, mug, true));
    // Some to more: still in stock, not "back".
    await harness.deliver(stockChanged(productId, mug, true));

    for (const customer of [watcher, wholeProduct]) {
      expect(await topicsOf(customer.userId)).toEqual([
        { topic: "BACK_IN_STOCK", title: "Back in stock: Mug - Blue", body: "Mug - Blue is back in stock." },
      ]);
      await waitFor(
        () => mailTo(harness, customer.email).some((mail) => mail.subject === "Back in stock: Mug - Blue"),
        { what: `the back in stock email to ${customer.email}` },
      );
      expect((await wishlistEmails(customer.userId)).map((row) => row.topic)).toEqual(["BACK_IN_STOCK"]);
    }
    expect(await topicsOf(watchesTheOtherVariant.userId)).toEqual([]);
  });
});
