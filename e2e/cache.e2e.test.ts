import { randomUUID } from "node:crypto";
import { createCartographClient, CartographRequestError, type CartographClient } from "@cartograph/client";
import { routerEnvSchema, startRouter, type RunningRouter } from "@cartograph/router";
import { createLogger, parseConfig } from "@cartograph/service-kit";
import { RABBITMQ_URL, TEST_ROUTER_SECRET, uniqueEmail, waitFor } from "@cartograph/testing";
import { E2E_ADMIN, startPlatform, type Platform } from "./platform";
import { ordersSeeStock } from "./shop";

/**
 * The router's response cache against the whole platform: two cached replicas and one without
 * cache or dedup, side by side over the same subgraphs. A write through one replica must be seen
 * through both once its event is delivered; nothing differs from the uncached router; nothing
 * private is shared.
 */
let platform: Platform;
let cachedA: RunningRouter;
let cachedB: RunningRouter;
let plain: RunningRouter;

async function startReplica(cache: "on" | "off"): Promise<RunningRouter> {
  const subgraphUrls = Object.fromEntries(
    Object.entries(platform.services)
      .filter(([name]) => name !== "router")
      .map(([name, service]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${service.baseUrl}/graphql`]),
  );
  return startRouter({
    config: parseConfig(routerEnvSchema, {
      NODE_ENV: "test",
      PORT: "0",
      METRICS_PORT: "0",
      LOG_LEVEL: "silent",
      ROUTER_SECRET: TEST_ROUTER_SECRET,
      JWKS_URL: `${platform.services.users!.baseUrl}/.well-known/jwks.json`,
      RABBITMQ_URL,
      ...platform.events,
      ROUTER_CACHE: cache,
      ROUTER_DEDUP: cache,
    }),
    log: createLogger("cache-e2e", "silent"),
    env: subgraphUrls,
  });
}

const clientOf = (router: RunningRouter, token?: string | null) =>
  createCartographClient({ url: router.url, accessToken: token ?? null });

let admin: string;
let slug: string;
let productId: string;
let variantId: string;

beforeAll(async () => {
  platform = await startPlatform();
  [cachedA, cachedB, plain] = [await startReplica("on"), await startReplica("on"), await startReplica("off")];
  admin = (await clientOf(plain).Login(E2E_ADMIN)).login.accessToken!;
  const listing = await clientOf(plain).ProductListing({ first: 1, sort: { field: "NAME", direction: "ASC" } });
  const first = listing.products.nodes[0]!;
  [slug, productId] = [first.slug, first.id];
  variantId = (await clientOf(plain).ProductPage({ slug })).product!.variants[0]!.id;
}, 240_000);

afterAll(async () => {
  for (const router of [cachedA, cachedB, plain]) await router?.stop();
  await platform?.stop();
});

/** Reads through a replica until the condition holds: the event has been delivered and applied. */
async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  await waitFor(
    async () => {
      last = await read();
      return holds(last);
    },
    { timeoutMs: 20_000, what },
  );
  return last!;
}

describe("the response cache", () => {
  it("serves a repeated public query from the cache, with Age and Cache-Control", async () => {
    const before = cachedA.cacheStats()!;
    const page = await clientOf(cachedA).ProductPage({ slug });
    expect(await clientOf(cachedA).ProductPage({ slug })).toEqual(page);
    const after = cachedA.cacheStats()!;
    expect(after.hits).toBeGreaterThan(before.hits);
    const response = await fetch(cachedA.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "query($slug: String!) { product(slug: $slug) { id name } }",
        variables: { slug },
      }),
    });
    const again = await fetch(cachedA.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "query($slug: String!) { product(slug: $slug) { id name } }",
        variables: { slug },
      }),
    });
    expect(response.headers.get("cache-control")).toMatch(/max-age=\d+, public/);
    expect(again.headers.get("age")).toMatch(/^\d+$/);
  });

  it("shows a stock change through every replica once its event is delivered, the one that did not serve the write too", async () => {
    const inStock = async (router: RunningRouter) =>
      (await clientOf(router).ProductPage({ slug })).product!.variants.find((v) => v.id === variantId)!.inStock;
    const was = await inStock(cachedA);
    expect(await inStock(cachedB)).toBe(was);
    await clientOf(cachedA, admin).SetStock({ variantId, onHand: was ? 0 : 25 });
    for (const router of [cachedA, cachedB]) {
      await eventually(
        () => inStock(router),
        (now) => now === !was,
        "the stock change to be seen",
      );
    }
  });

  it("shows a product's new name, and a new review's rating, once their events are delivered", async () => {
    const name = `Renamed ${randomUUID().slice(0, 8)}`;
    await clientOf(cachedB).ProductPage({ slug });
    await clientOf(cachedA, admin).UpdateProduct({ id: productId, input: { name } });
    await eventually(
      async () => (await clientOf(cachedB).ProductPage({ slug })).product!.name,
      (now) => now === name,
      "the new name",
    );
    const ratings = async (router: RunningRouter) =>
      (await clientOf(router).ProductPage({ slug })).product!.rating!.count;
    const count = await ratings(cachedB);
    const { register } = await clientOf(plain).Register({
      input: { email: uniqueEmail("reviewer"), password: "password123", name: "Reviewer" },
    });
    const added = await clientOf(cachedA, register.accessToken).AddReview({
      input: { productId, rating: 4, title: "Fine", body: "Does the job." },
    });
    expect(added.addReview.userErrors).toEqual([]);
    for (const router of [cachedA, cachedB]) {
      await eventually(
        () => ratings(router),
        (now) => now === count + 1,
        "the new review's rating",
      );
    }
  });

  it("never shares private data: two customers' identical, concurrent requests get their own answers", async () => {
    // Enough units for both carts, as orders checks them (an earlier test may have sold out the variant).
    expect((await clientOf(plain, admin).SetStock({ variantId, onHand: 25 })).setStock.userErrors).toEqual([]);
    await ordersSeeStock(platform, variantId, 25);
    const shoppers = await Promise.all(
      ["ada", "grace"].map(async (name) => {
        const { register } = await clientOf(plain).Register({
          input: { email: uniqueEmail(name), password: "password123", name },
        });
        await clientOf(plain, register.accessToken).CartAddLine({ variantId, quantity: name === "ada" ? 1 : 2 });
        return { name, token: register.accessToken! };
      }),
    );
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        shoppers.flatMap(({ token }) => [clientOf(cachedA, token).Me(), clientOf(cachedA, token).MyCart()]),
      );
      expect(answers.map((answer) => ("me" in answer ? answer.me!.name : answer.myCart.totalQuantity))).toEqual([
        "ada",
        1,
        "grace",
        2,
      ]);
    }
  });

  it("never caches a mutation or an error", async () => {
    const before = cachedA.cacheStats()!.stored;
    await expect(clientOf(cachedA).ProductPage({ slug: `no-such-${randomUUID()}` })).resolves.toEqual({
      product: null,
    });
    const stranger = clientOf(cachedA, "not-a-token");
    for (let i = 0; i < 2; i++)
      await expect(stranger.ProductPage({ slug })).rejects.toBeInstanceOf(CartographRequestError);
    await clientOf(cachedA, admin).SetStock({ variantId, onHand: 7 });
    await clientOf(cachedA, admin).SetStock({ variantId, onHand: 7 });
    // Only the successful, public, unknown-slug query may have been stored.
    expect(cachedA.cacheStats()!.stored - before).toBeLessThanOrEqual(1);
  });

  it("answers every storefront query exactly as the uncached router does, for every kind of caller", async () => {
    const { register } = await clientOf(plain).Register({
      input: { email: uniqueEmail("same"), password: "password123", name: "Same" },
    });
    const customer = register.accessToken!;
    const category = (await clientOf(plain).CategoryTree()).categories[0]!.children[0]!.children[0]!.slug;
    const operations: Array<[string, (client: CartographClient) => Promise<unknown>]> = [
      ["CategoryTree", (c) => c.CategoryTree()],
      ["CategoryPage", (c) => c.CategoryPage({ slug: category, first: 5 })],
      ["ProductListing", (c) => c.ProductListing({ first: 10, filter: { search: "chair" } })],
      ["ProductPage", (c) => c.ProductPage({ slug })],
      ["FrequentlyBoughtTogether", (c) => c.FrequentlyBoughtTogether({ slug, first: 4 })],
      ["TrendingProducts", (c) => c.TrendingProducts({ first: 5, days: 30 })],
      ["Me", (c) => c.Me()],
      ["MyCart", (c) => c.MyCart()],
      ["MyOrders", (c) => c.MyOrders({ first: 5 })],
      ["MyReviews", (c) => c.MyReviews({ first: 5 })],
      ["RecommendedForMe", (c) => c.RecommendedForMe({ first: 4 })],
      ["VariantStock", (c) => c.VariantStock({ slug })],
      ["Users", (c) => c.Users({ first: 3 })],
      ["AdminOrders", (c) => c.AdminOrders({ first: 3 })],
    ];
    const outcome = (call: Promise<unknown>) =>
      call.then(
        (data) => ({ data }),
        (error: unknown) =>
          error instanceof CartographRequestError ? { codes: error.codes, data: error.data } : { error: String(error) },
      );
    for (const token of [null, customer, admin]) {
      for (const [name, run] of operations) {
        const expected = await outcome(run(clientOf(plain, token)));
        // Twice through the cached replica: the second answer may come from the cache.
        for (let i = 0; i < 2; i++) {
          expect({
            name,
            token: token === admin ? "admin" : token ? "customer" : "anonymous",
            ...(await outcome(run(clientOf(cachedB, token)))),
          }).toEqual({
            name,
            token: token === admin ? "admin" : token ? "customer" : "anonymous",
            ...expected,
          });
        }
      }
    }
  });
});
