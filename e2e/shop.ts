import { randomUUID } from "node:crypto";
import { createCartographClient, type CartographClient } from "@cartograph/client";
import { uniqueEmail, waitFor } from "@cartograph/testing";
import pg from "pg";
import WebSocket from "ws";
import { E2E_ADMIN, type Platform } from "./platform";

/** A shipping address every test checks out with. */
export const ADDRESS = { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };

export interface Shopper {
  /** Signed in over HTTP. */
  client: CartographClient;
  /** The same customer with a WebSocket, for subscriptions (Node 20 has no global WebSocket). */
  live: CartographClient;
  userId: string;
  email: string;
}

/** The seeded shop as the tests buy in it: the demo admin, the seeded variants, new customers. */
export interface Shop {
  admin: CartographClient;
  /** A seeded variant no other test of this file uses, with exactly `onHand` units, as orders knows too. */
  stockedVariant(onHand: number): Promise<string>;
  /**
   * Resolves once orders' copy of the stock (from inventory's `stock.changed`) says `available`
   * units of the variant can be had: carts are checked against it, a moment behind inventory.
   */
  ordersSeeStock(variantId: string, available: number): Promise<void>;
  /** A newly registered customer. */
  shopper(name?: string): Promise<Shopper>;
  /** Closes every shopper's WebSocket. */
  dispose(): Promise<void>;
}

export async function openShop(platform: Platform): Promise<Shop> {
  const admin = platform.client((await platform.client().Login(E2E_ADMIN)).login.accessToken);
  const { products } = await platform
    .client()
    .ProductListing({ first: 100, sort: { field: "NAME", direction: "ASC" } });
  const variants: string[] = [];
  for (const product of products.nodes) {
    const page = await admin.VariantStock({ slug: product.slug });
    variants.push(...page.product!.variants.map((variant) => variant.id));
  }
  let nextVariant = 0;
  const sockets: CartographClient[] = [];
  return {
    admin,
    async stockedVariant(onHand) {
      const variantId = variants[nextVariant++];
      if (!variantId) throw new Error("the seed has no unused variant left for this test file");
      const { setStock } = await admin.SetStock({ variantId, onHand });
      expect(setStock.userErrors).toEqual([]);
      await ordersSeeStock(platform, variantId, onHand);
      return variantId;
    },
    ordersSeeStock: (variantId, available) => ordersSeeStock(platform, variantId, available),
    async shopper(name = "Buyer") {
      const email = uniqueEmail(name.toLowerCase().replace(/[^a-z0-9]+/g, "-"));
      const { register } = await platform.client().Register({ input: { email, password: "password123", name } });
      expect(register.userErrors).toEqual([]);
      const live = createCartographClient({
        url: platform.routerUrl,
        accessToken: register.accessToken,
        webSocketImpl: WebSocket,
      });
      sockets.push(live);
      return { client: platform.client(register.accessToken), live, userId: register.user!.id, email };
    },
    async dispose() {
      for (const client of sockets.splice(0)) await client.dispose();
    },
  };
}

/** Puts the lines in the customer's cart and checks out; the order as `checkout` returns it. */
/**
 * Resolves once orders' copy of the stock (from inventory's `stock.changed`) says `available`
 * units of the variant can be had: carts are checked against it, a moment behind inventory.
 */
export async function ordersSeeStock(platform: Platform, variantId: string, available: number): Promise<void> {
  const orders = new pg.Client({ connectionString: platform.databaseUrl("orders") });
  await orders.connect();
  try {
    await waitFor(
      async () =>
        (
          await orders.query("select 1 from catalogue_stock where variant_id = $1 and available = $2", [
            variantId,
            available,
          ])
        ).rows.length > 0,
      { what: `orders to see ${available} units of ${variantId}` },
    );
  } finally {
    await orders.end();
  }
}

export async function buy(
  client: CartographClient,
  lines: Array<[string, number]>,
  paymentToken = "tok_visa",
  idempotencyKey = randomUUID(),
) {
  for (const [variantId, quantity] of lines) {
    const { cartAddLine } = await client.CartAddLine({ variantId, quantity });
    expect(cartAddLine.userErrors).toEqual([]);
  }
  const { checkout } = await client.Checkout({ input: { shippingAddress: ADDRESS, paymentToken, idempotencyKey } });
  expect(checkout.userErrors).toEqual([]);
  return checkout.order!;
}
