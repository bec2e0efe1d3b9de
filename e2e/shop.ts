import { randomUUID } from "node:crypto";
import { createCartographClient, type CartographClient } from "@cartograph/client";
import { uniqueEmail } from "@cartograph/testing";
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
  /** A seeded variant no other test of this file uses, with exactly `onHand` units. */
  stockedVariant(onHand: number): Promise<string>;
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
      return variantId;
    },
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
