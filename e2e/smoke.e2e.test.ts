/**
 * The deployment smoke test: the storefront's main path through the router with the SDK.
 * With CARTOGRAPH_ROUTER_URL set it targets that router (the platform started from the
 * container images by scripts/images/smoke.ts, over seeded data); otherwise it starts the
 * platform itself, so it also runs in `pnpm test`.
 */
import { randomUUID } from "node:crypto";
import { createCartographClient, type CartographClient, type NotificationAddedSubscription } from "@cartograph/client";
import { uniqueEmail, waitFor } from "@cartograph/testing";
import { startPlatform, type Platform } from "./platform";
import WebSocket from "ws";
import { ADDRESS } from "./shop";

const externalRouterUrl = process.env.CARTOGRAPH_ROUTER_URL;
let platform: Platform | null = null;
let routerUrl: string;
const client = (accessToken?: string | null): CartographClient =>
  createCartographClient({ url: routerUrl, accessToken: accessToken ?? null });

beforeAll(async () => {
  if (externalRouterUrl) {
    routerUrl = externalRouterUrl;
  } else {
    platform = await startPlatform();
    routerUrl = platform.routerUrl;
  }
}, 240_000);
afterAll(async () => {
  await platform?.stop();
});

describe("smoke: the storefront's main path through the router", () => {
  let shopper: CartographClient;
  let live: CartographClient | undefined;
  let notifications: AsyncIterator<NotificationAddedSubscription> | undefined;
  let email: string;
  let slug: string;
  let variantId: string;
  let orderId: string;

  it("answers with the seeded category tree", async () => {
    const { categories } = await client().CategoryTree();
    expect(categories.length).toBeGreaterThan(0);
  });

  it("registers a shopper, who can then read their own account", async () => {
    email = uniqueEmail("smoke");
    const { register } = await client().Register({ input: { email, password: "smoke-password-1", name: "Smoke" } });
    expect(register.userErrors).toEqual([]);
    expect(register.accessToken).toEqual(expect.any(String));
    shopper = client(register.accessToken);
    const { me } = await shopper.Me();
    expect(me).toMatchObject({ id: register.user!.id, email });
    // Listening from now on: the order's notifications must arrive over the WebSocket.
    live = createCartographClient({ url: routerUrl, accessToken: register.accessToken, webSocketImpl: WebSocket });
    notifications = live.NotificationAdded()[Symbol.asyncIterator]();
  });

  it("browses the catalogue and finds a product in stock", async () => {
    const { products } = await client().ProductListing({ first: 50, sort: { field: "NAME", direction: "ASC" } });
    expect(products.totalCount).toBeGreaterThan(0);
    const inStock = products.nodes.filter((product) => product.inStock);
    expect(inStock.length).toBeGreaterThan(0);
    slug = inStock[0]!.slug;
  });

  it("shows that product's variants with prices and stock", async () => {
    const { product } = await client().ProductPage({ slug });
    expect(product).toMatchObject({ slug, inStock: true });
    expect(product!.variants.length).toBeGreaterThan(0);
    const variant = product!.variants.find((candidate) => candidate.inStock);
    expect(variant).toBeDefined();
    expect(Number(variant!.price.amount)).toBeGreaterThan(0);
    variantId = variant!.id;
  });

  it("adds it to the cart", async () => {
    const { cartAddLine } = await shopper.CartAddLine({ variantId, quantity: 1 });
    expect(cartAddLine.userErrors).toEqual([]);
    expect(cartAddLine.cart!.totalQuantity).toBe(1);
    expect(Number(cartAddLine.cart!.total.amount)).toBeGreaterThan(0);
  });

  it("checks out with tok_visa", async () => {
    const { checkout } = await shopper.Checkout({
      input: { shippingAddress: ADDRESS, paymentToken: "tok_visa", idempotencyKey: randomUUID() },
    });
    expect(checkout.userErrors).toEqual([]);
    expect(checkout.order!.status).toBe("PENDING");
    expect(checkout.order!.lines.map((line) => line.variant?.id)).toEqual([variantId]);
    orderId = checkout.order!.id;
  });

  it("sees the order PAID once the saga has run (orders, inventory, payments over RabbitMQ)", async () => {
    const order = await waitFor(
      async () => {
        const { order: current } = await shopper.Order({ id: orderId });
        return current && !["PENDING", "RESERVED"].includes(current.status) ? current : undefined;
      },
      { what: "the order to settle", timeoutMs: 30_000 },
    );
    expect(order.status).toBe("PAID");
    expect(order.payment).toMatchObject({ status: "SUCCEEDED" });
  });

  it("hears of the order live over the WebSocket (notificationAdded through the router)", async () => {
    const topics: string[] = [];
    try {
      while (!topics.includes("ORDER_PAID")) {
        let timer: NodeJS.Timeout | undefined;
        const step = await Promise.race([
          notifications!.next(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no ORDER_PAID notification; heard ${topics.join(", ")}`)),
              30_000,
            );
          }),
        ]).finally(() => clearTimeout(timer));
        if (step.done) break;
        const notification = step.value.notificationAdded;
        if (notification.order?.id === orderId) topics.push(notification.topic);
      }
    } finally {
      await notifications!.return?.();
      await live!.dispose();
    }
    expect(topics).toContain("ORDER_PLACED");
    expect(topics).toContain("ORDER_PAID");
  });

  it("reviews what they bought, verified by the paid order (reviews on MongoDB)", async () => {
    const { product } = await client().ProductPage({ slug });
    const review = await waitFor(
      async () => {
        const { addReview } = await shopper.AddReview({
          input: { productId: product!.id, rating: 4, title: "Smoke", body: "Bought and reviewed." },
        });
        // order.paid reaches reviews asynchronously; until then the review would be unverified.
        if (addReview.review && !addReview.review.verifiedPurchase)
          await shopper.DeleteReview({ id: addReview.review.id });
        return addReview.review?.verifiedPurchase ? addReview.review : undefined;
      },
      { what: "a verified review", timeoutMs: 20_000 },
    );
    expect(review.author?.name).toBe("Smoke");
    const page = await client().ProductPage({ slug });
    expect(page.product!.reviews!.nodes.map((node) => node.id)).toContain(review.id);
    expect(page.product!.rating!.count).toBeGreaterThanOrEqual(1);
  });

  it("gets recommendations and trending products (recommendations on MongoDB)", async () => {
    const { trendingProducts } = await client().TrendingProducts({ first: 4, days: 30 });
    expect(trendingProducts!.length).toBeGreaterThan(0);
    const { me } = await shopper.RecommendedForMe({ first: 4 });
    expect(me!.recommendedProducts!.length).toBeGreaterThan(0);
    expect(me!.recommendedProducts!.map((p) => p.slug)).not.toContain(slug);
  });
});
