import { randomUUID } from "node:crypto";
import { CartographRequestError, type CartographClient, type ProductPageQuery } from "@cartograph/client";
import { uniqueEmail, waitFor } from "@cartograph/testing";
import { E2E_ADMIN, startPlatform, type Platform } from "./platform";
import { ADDRESS } from "./shop";

let platform: Platform;
let admin: CartographClient;

beforeAll(async () => {
  platform = await startPlatform();
  admin = platform.client((await platform.client().Login(E2E_ADMIN)).login.accessToken);
}, 240_000);
afterAll(() => platform?.stop());

const run = randomUUID().slice(0, 6);

interface NewProduct {
  id: string;
  slug: string;
  variantId: string;
}

/** A product of its own (no demo history), with stock on hand once inventory has heard of it. */
async function newProduct(name: string): Promise<NewProduct> {
  const { createProduct } = await admin.CreateProduct({
    input: {
      name: `${name} ${run}`,
      description: `A ${name.toLowerCase()} for the test.`,
      variants: [{ sku: `E2E-RR-${name}-${run}`.toUpperCase(), title: "Default", price: "12.00" }],
    },
  });
  expect(createProduct.userErrors).toEqual([]);
  const product = createProduct.product!;
  const variantId = product.variants[0]!.id;
  await waitFor(async () => (await admin.SetStock({ variantId, onHand: 50 })).setStock.userErrors.length === 0, {
    what: `inventory to know ${name}`,
  });
  return { id: product.id, slug: product.slug, variantId };
}

async function shopper(name: string): Promise<{ client: CartographClient; userId: string }> {
  const { register } = await platform
    .client()
    .Register({ input: { email: uniqueEmail(name.toLowerCase()), password: "password123", name } });
  expect(register.userErrors).toEqual([]);
  return { client: platform.client(register.accessToken), userId: register.user!.id };
}

/** Checks out the products through the real saga and waits until the order is PAID. */
async function buy(client: CartographClient, products: NewProduct[]): Promise<void> {
  for (const product of products) {
    // Orders learns new variants from events: a moment after creation.
    await waitFor(
      async () =>
        (await client.CartAddLine({ variantId: product.variantId, quantity: 1 })).cartAddLine.userErrors.length === 0,
      { what: "the cart to take the variant" },
    );
  }
  const { checkout } = await client.Checkout({
    input: { shippingAddress: ADDRESS, paymentToken: "tok_visa", idempotencyKey: randomUUID() },
  });
  expect(checkout.userErrors).toEqual([]);
  await waitFor(async () => (await client.Order({ id: checkout.order!.id })).order!.status === "PAID", {
    what: "the order to be paid",
    timeoutMs: 30_000,
  });
}

describe("reviews and recommendations through the router", () => {
  let kettle: NewProduct;
  let teapot: NewProduct;
  let mug: NewProduct;
  let firstBuyer: { client: CartographClient; userId: string };

  beforeAll(async () => {
    [kettle, teapot, mug] = [await newProduct("Kettle"), await newProduct("Teapot"), await newProduct("Mug")];
    firstBuyer = await shopper("Ada");
    await buy(firstBuyer.client, [kettle, teapot]);
    await buy((await shopper("Grace")).client, [kettle, teapot]);
    await buy((await shopper("Edsger")).client, [kettle, mug]);
  }, 180_000);

  it("learns from paid orders what is bought together", async () => {
    const together = await waitFor(
      async () => {
        const { product } = await platform.client().FrequentlyBoughtTogether({ slug: kettle.slug, first: 2 });
        const ids = product!.frequentlyBoughtTogether!.map((p) => p.id);
        return ids[0] === teapot.id && ids[1] === mug.id ? ids : undefined;
      },
      { what: "kettle's companions to be learned", timeoutMs: 20_000 },
    );
    expect(together).not.toContain(kettle.id);
  });

  it("recommends to a new buyer of the kettle what others bought with it, not the kettle", async () => {
    const { client } = await shopper("Barbara");
    await buy(client, [kettle]);
    const recommended = await waitFor(
      async () => {
        const ids = (await client.RecommendedForMe({ first: 2 })).me!.recommendedProducts!.map((p) => p.id);
        return ids[0] === teapot.id ? ids : undefined;
      },
      { what: "recommendations from the kettle", timeoutMs: 20_000 },
    );
    expect(recommended).toEqual([teapot.id, mug.id]);
  });

  it("serves a whole product page in one request: variants, stock, rating, reviews with authors' names, bought together", async () => {
    const verified = await firstBuyer.client.AddReview({
      input: { productId: kettle.id, rating: 5, title: "Boils fast", body: "Quiet and quick." },
    });
    expect(verified.addReview.userErrors).toEqual([]);
    expect(verified.addReview.review).toMatchObject({
      verifiedPurchase: true,
      author: { name: "Ada" },
      product: { rating: { count: 1, average: 5 } },
    });
    const browser = await shopper("Linus");
    const unverified = await browser.client.AddReview({
      input: { productId: kettle.id, rating: 2, title: "Too loud", body: "Not for me." },
    });
    expect(unverified.addReview.review).toMatchObject({ verifiedPurchase: false });
    const again = await browser.client.AddReview({
      input: { productId: kettle.id, rating: 1, title: "Again", body: "Twice." },
    });
    expect(again.addReview.userErrors.map((e) => e.code)).toEqual(["ALREADY_REVIEWED"]);

    const { product } = await platform.client().ProductPage({ slug: kettle.slug });
    expect(product).toMatchObject({
      id: kettle.id,
      name: `Kettle ${run}`,
      variants: [{ id: kettle.variantId, inStock: true }],
      rating: {
        average: 3.5,
        count: 2,
        distribution: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: rating === 2 || rating === 5 ? 1 : 0 })),
      },
    });
    expect(product!.reviews!.totalCount).toBe(2);
    expect(
      product!.reviews!.nodes.map((review) => [review.author?.name, review.rating, review.verifiedPurchase]),
    ).toEqual([
      ["Linus", 2, false],
      ["Ada", 5, true],
    ]);
    expect(product!.frequentlyBoughtTogether!.slice(0, 2).map((p) => p.name)).toEqual([`Teapot ${run}`, `Mug ${run}`]);

    // Another customer cannot delete Ada's review; Ada can, and the rating follows.
    const adas = verified.addReview.review!.id;
    await expect(browser.client.DeleteReview({ id: adas })).rejects.toMatchObject({ codes: ["FORBIDDEN"] });
    expect((await firstBuyer.client.DeleteReview({ id: adas })).deleteReview.deleted).toBe(true);
    const after = await platform.client().ProductPage({ slug: kettle.slug });
    expect(after.product!.rating).toMatchObject({ average: 2, count: 1 });
  });

  it("with reviews down: the product page keeps what the other subgraphs own, SERVICE_UNAVAILABLE at the reviews' paths, and the reviews back after a restart", async () => {
    const before = (await platform.client().ProductPage({ slug: kettle.slug })).product!.rating!.count;
    const stopped = platform.stopService("reviews");
    try {
      expect(await stopped).toBe(0);
      const error = (await platform
        .client()
        .ProductPage({ slug: kettle.slug })
        .then(
          () => null,
          (e: unknown) => e,
        )) as CartographRequestError;
      expect(error).toBeInstanceOf(CartographRequestError);
      expect(new Set(error.codes)).toEqual(new Set(["SERVICE_UNAVAILABLE"]));
      expect(error.errors.map((entry) => entry.path).sort()).toEqual([
        ["product", "rating"],
        ["product", "reviews"],
      ]);
      expect(JSON.stringify(error.errors)).not.toMatch(
        /127\.0\.0\.1|ECONNREFUSED|localhost|serviceName|reviews service/,
      );
      // Name, price and stock come from products and inventory, which are up.
      const partial = (error.data as ProductPageQuery).product;
      expect(partial).toMatchObject({ id: kettle.id, rating: null, reviews: null });
      expect(partial!.name.length).toBeGreaterThan(0);
      expect(partial!.variants[0]!.price.amount).toMatch(/^\d+\.\d{2}$/);
      expect(typeof partial!.variants[0]!.inStock).toBe("boolean");
      // A query that needs nothing from reviews is untouched.
      const { product } = await platform.client().FrequentlyBoughtTogether({ slug: kettle.slug, first: 2 });
      expect(product!.frequentlyBoughtTogether!.map((p) => p.id)).toEqual([teapot.id, mug.id]);
    } finally {
      await platform.startService("reviews");
    }
    expect((await platform.client().ProductPage({ slug: kettle.slug })).product!.rating!.count).toBe(before);
  });

  it("shows trending products from the demo history, with their names from products", async () => {
    const { trendingProducts } = await platform.client().TrendingProducts({ first: 8, days: 30 });
    expect(trendingProducts!.length).toBe(8);
    expect(trendingProducts!.every((p) => p.name.length > 0)).toBe(true);
  });
});
