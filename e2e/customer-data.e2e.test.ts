import { randomUUID } from "node:crypto";
import { CartographRequestError, type CartographClient, type DataRequestFieldsFragment } from "@cartograph/client";
import { waitFor } from "@cartograph/testing";
import { MongoClient } from "mongodb";
import pg from "pg";
import { startPlatform, type Platform } from "./platform";
import { openShop, type Shop } from "./shop";

// Issue 14, a customer's data on request, through the router: the export holds every subgraph's
// part and nobody else's data; deleting the account leaves no personal data in any store (each
// one searched), keeps the orders anonymised, and shuts the customer out at once.

let platform: Platform;
let shop: Shop;

beforeAll(async () => {
  platform = await startPlatform();
  shop = await openShop(platform);
}, 240_000);
afterAll(async () => {
  await shop?.dispose();
  await platform?.stop();
});

const EVERY_SUBGRAPH = [
  "users",
  "products",
  "inventory",
  "orders",
  "payments",
  "reviews",
  "recommendations",
  "notifications",
];

/** A seeded product (its id and a variant in stock) no other test of this file uses. */
async function stockedProduct(): Promise<{ productId: string; variantId: string; slug: string }> {
  const variantId = await shop.stockedVariant(10);
  const { products } = await platform
    .client()
    .ProductListing({ first: 100, sort: { field: "NAME", direction: "ASC" } });
  for (const product of products.nodes) {
    const page = await platform.client().ProductPage({ slug: product.slug });
    if (page.product?.variants.some((variant) => variant.id === variantId))
      return { productId: page.product.id, variantId, slug: product.slug };
  }
  throw new Error(`no product has variant ${variantId}`);
}

/** A customer with an address, a paid order shipped there, a verified review, a wishlist item and notifications. */
async function customerWithHistory(label: string) {
  const marker = randomUUID().slice(0, 8);
  const shopper = await shop.shopper(`${label} ${marker}`);
  const address = {
    line1: `${marker} Forget-Me Street`,
    city: `Oblivion ${marker}`,
    postalCode: "90210",
    country: "US",
  };
  expect((await shopper.client.AddAddress({ input: address })).addAddress.userErrors).toEqual([]);
  const { productId, variantId, slug } = await stockedProduct();
  expect((await shopper.client.CartAddLine({ variantId, quantity: 1 })).cartAddLine.userErrors).toEqual([]);
  const { checkout } = await shopper.client.Checkout({
    input: { shippingAddress: address, paymentToken: "tok_visa", idempotencyKey: randomUUID() },
  });
  expect(checkout.userErrors).toEqual([]);
  const orderId = checkout.order!.id;
  await waitFor(async () => (await shopper.client.Order({ id: orderId })).order?.status === "PAID" || undefined, {
    what: `${label}'s order to be paid`,
    timeoutMs: 30_000,
  });
  // The review keeps its words after an erasure (anonymised), so they name nothing of the customer.
  const { addReview } = await shopper.client.AddReview({
    input: { productId, rating: 5, title: "Lovely", body: `Would buy again (${randomUUID()}).` },
  });
  expect(addReview.userErrors).toEqual([]);
  expect((await shopper.client.AddToWishlist({ variantId })).addToWishlist.userErrors).toEqual([]);
  return {
    ...shopper,
    marker,
    address,
    orderId,
    productId,
    variantId,
    slug,
    reviewId: addReview.review!.id,
    reviewBody: addReview.review!.body,
  };
}

async function dataRequestOf(client: CartographClient, id: string) {
  const { me } = await client.MyDataRequests();
  return me!.dataRequests.find((request) => request.id === id);
}

/** Every table (PostgreSQL) or collection (MongoDB) of a subgraph's store that mentions one of `needles`. */
async function storeMentions(subgraph: string, needles: string[]): Promise<string[]> {
  const url = platform.databaseUrl(subgraph);
  const found: string[] = [];
  if (url.startsWith("mongodb")) {
    const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 10_000 });
    try {
      const db = client.db();
      for (const { name } of await db.listCollections().toArray()) {
        const text = JSON.stringify(await db.collection(name).find({}).toArray()).toLowerCase();
        for (const needle of needles)
          if (text.includes(needle.toLowerCase())) found.push(`${subgraph}.${name}: ${needle}`);
      }
    } finally {
      await client.close();
    }
    return found;
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const { rows: tables } = await pool.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
    );
    for (const { name } of tables) {
      for (const needle of needles) {
        const { rows } = await pool.query<{ n: number }>(
          `select count(*)::int as n from "${name}" t where t::text ilike '%' || $1 || '%'`,
          [needle],
        );
        if (rows[0]!.n > 0) found.push(`${subgraph}.${name}: ${needle}`);
      }
    }
  } finally {
    await pool.end();
  }
  return found;
}

describe("a customer's data on request", () => {
  let ada: Awaited<ReturnType<typeof customerWithHistory>>;
  let grace: Awaited<ReturnType<typeof customerWithHistory>>;

  beforeAll(async () => {
    ada = await customerWithHistory("Ada");
    grace = await customerWithHistory("Grace");
  }, 180_000);

  it("requestMyData: a JSON export with every subgraph's part, nothing of another customer, and a notification", async () => {
    const { requestMyData } = await ada.client.RequestMyData();
    expect(requestMyData.userErrors).toEqual([]);
    const requestId = requestMyData.dataRequest!.id;
    const ready = await waitFor(
      async () => {
        const request = await dataRequestOf(ada.client, requestId);
        return request?.status === "READY" ? request : undefined;
      },
      { what: "the export to be ready", timeoutMs: 60_000 },
    );
    expect(ready.awaitingServices).toEqual([]);
    expect(ready.answers.map((answer) => answer.service).sort()).toEqual([...EVERY_SUBGRAPH].sort());
    const document = JSON.parse(ready.document!) as { services: Record<string, unknown> };
    expect(Object.keys(document.services).sort()).toEqual([...EVERY_SUBGRAPH].sort());
    for (const subgraph of EVERY_SUBGRAPH) expect(document.services[subgraph]).not.toBeNull();
    const text = ready.document!;
    // Each store's part of Ada: her account, her order (and its address), her payment, her review,
    // what recommendations learned, her wishlist and notifications.
    for (const expected of [ada.email, ada.address.line1, ada.orderId, ada.reviewId, ada.variantId, "ORDER_PAID"])
      expect(text).toContain(expected);
    expect(JSON.stringify(document.services.recommendations)).toContain(ada.productId);
    expect(JSON.stringify(document.services.payments)).toMatch(/"cardLast4":\s*"\d{4}"/);
    for (const other of [grace.email, grace.orderId, grace.address.line1, grace.reviewId])
      expect(text).not.toContain(other);
    await waitFor(
      async () =>
        (await ada.client.MyNotifications({ first: 20 })).me!.notifications.nodes.some(
          (n) => n.topic === "DATA_EXPORT_READY",
        ) || undefined,
      { what: "the export's notification", timeoutMs: 30_000 },
    );
  });

  it("deleteMyAccount: password checked; no personal data left in any store, orders kept anonymised, shut out at once", async () => {
    const wrong = await ada.client.DeleteMyAccount({ password: "not-her-password" });
    expect(wrong.deleteMyAccount.userErrors.map((error) => error.code)).toEqual(["INVALID_CREDENTIALS"]);
    expect((await ada.client.Me()).me?.id).toBe(ada.userId);

    const { deleteMyAccount } = await ada.client.DeleteMyAccount({ password: "password123" });
    expect(deleteMyAccount.userErrors).toEqual([]);
    const requestId = deleteMyAccount.dataRequest!.id;

    // Her token is refused at once by users, and on every path by the router once it has heard
    // `user.deleted` (a moment later: the event goes through users' outbox and the broker).
    const refused = await ada.client.Me().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CartographRequestError);
    expect((refused as CartographRequestError).codes).toEqual(["UNAUTHENTICATED"]);
    const cartRefused = await waitFor(
      async () => {
        const error = await ada.client.MyCart().then(
          () => undefined,
          (e: unknown) => e,
        );
        return error instanceof CartographRequestError && error.codes.includes("UNAUTHENTICATED") ? error : undefined;
      },
      { what: "the router to refuse her token on orders' fields too" },
    );
    expect(cartRefused.message).toContain("This account was deleted.");

    // Every subgraph confirms, with what it did: the admins' trail.
    const completed = await waitFor(
      async () => {
        const { dataRequests } = await shop.admin.DataRequests({ first: 20, kind: "ERASURE" });
        const request = dataRequests.nodes.find((node) => node.id === requestId);
        return request?.status === "COMPLETED" ? (request as DataRequestFieldsFragment) : undefined;
      },
      { what: "every subgraph to confirm the erasure", timeoutMs: 60_000 },
    );
    expect(completed.answers.map((answer) => answer.service).sort()).toEqual([...EVERY_SUBGRAPH].sort());
    const erased = (service: string, kind: string) =>
      completed.answers.find((answer) => answer.service === service)?.erased?.find((count) => count.kind === kind)
        ?.count;
    expect(erased("users", "accounts")).toBe(1);
    expect(erased("orders", "ordersAnonymised")).toBe(1);

    // No store holds her email, her name or her address any more: every table and collection searched.
    const needles = [ada.email, ada.marker, ada.address.line1, ada.address.city];
    const mentions = (await Promise.all(EVERY_SUBGRAPH.map((subgraph) => storeMentions(subgraph, needles)))).flat();
    expect(mentions).toEqual([]);
    // Her password signs in no more (checked after the search: a failed sign-in is recorded under
    // the address typed, for throttling, whoever types it).
    const { login } = await platform.client().Login({ email: ada.email, password: "password123" });
    expect(login.userErrors.map((error) => error.code)).toEqual(["INVALID_CREDENTIALS"]);
    // Grace's are all still there (the search finds what it looks for).
    const graceMentions = await storeMentions("orders", [grace.address.line1]);
    expect(graceMentions.length).toBeGreaterThan(0);

    // Her order is kept for the accounts, anonymised; her review stays, no longer hers.
    const orders = new pg.Pool({ connectionString: platform.databaseUrl("orders"), max: 1 });
    try {
      const { rows } = await orders.query<{ total: number; country: string }>(
        "select total, shipping_address->>'country' as country from orders where id = $1",
        [ada.orderId],
      );
      expect(rows).toEqual([{ total: expect.any(Number), country: "US" }]);
    } finally {
      await orders.end();
    }
    const page = await platform.client().ProductPage({ slug: ada.slug, reviewsFirst: 50 });
    const review = page.product?.reviews?.nodes.find((node) => node.id === ada.reviewId);
    expect(review?.body).toBe(ada.reviewBody);
    // Kept, with no author: clients show "Former customer".
    expect(review?.author).toBeNull();
  });
});
