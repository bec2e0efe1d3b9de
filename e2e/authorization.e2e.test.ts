import { readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { AccessRules, WITHHELD_MESSAGES } from "@cartograph/router";
import { uniqueEmail } from "@cartograph/testing";
import { E2E_ADMIN, postToRouter, startPlatform, type Platform } from "./platform";

/**
 * The authorization matrix: every protected type and field of the supergraph, through the router,
 * as a stranger, a customer who does not own the thing, its owner, and an admin. The router
 * refuses what the schema declares (its own words say so); the subgraph still refuses what only
 * it can tell (someone else's order).
 */

/** What one viewer gets: refused by the router (with the code), refused by the subgraph, or let through. */
type Outcome = "UNAUTHENTICATED" | "FORBIDDEN" | "refused by the subgraph" | "allowed";
type Viewer = "stranger" | "customer" | "owner" | "admin";

interface Row {
  query: string;
  variables?: () => Record<string, unknown>;
  expected: Record<Viewer, Outcome>;
}

const U = "UNAUTHENTICATED";
const F = "FORBIDDEN";
const S = "refused by the subgraph";
const OK = "allowed";
const signedIn = { stranger: U, customer: OK, owner: OK, admin: OK } as const;
const adminOnly = { stranger: U, customer: F, owner: F, admin: OK } as const;
const ownerOnly = { stranger: U, customer: S, owner: OK, admin: OK } as const;
// Notifications keeps a customer's messages and choices to the customer alone, admins included.
const selfOnly = { stranger: U, customer: S, owner: OK, admin: S } as const;

let platform: Platform;
const tokens: Partial<Record<Viewer, string>> = {};
let owner: { email: string; password: string; userId: string };
let orderId: string;
let variantId: string;
let productSlug: string;

// `login` as the owner, from whoever asks: the one way a stranger can reach a User's owner-only fields.
const asOwnerLogin = (selection: string): Row["query"] =>
  `mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { user { ${selection} } } }`;
const ownerCredentials = () => ({ email: owner.email, password: owner.password });

const matrix: Record<string, Row> = {
  "Query.myCart": { query: "{ myCart { totalQuantity } }", expected: signedIn },
  "Query.order": {
    query: "query ($id: ID!) { order(id: $id) { id } }",
    variables: () => ({ id: orderId }),
    expected: ownerOnly,
  },
  "Order.invoice": {
    query: "query ($id: ID!) { order(id: $id) { invoice { number } } }",
    variables: () => ({ id: orderId }),
    expected: ownerOnly,
  },
  "Query.orders": { query: "{ orders(first: 1) { totalCount } }", expected: adminOnly },
  "Query.user": {
    query: "query ($id: ID!) { user(id: $id) { id } }",
    variables: () => ({ id: owner.userId }),
    expected: adminOnly,
  },
  "Query.users": { query: "{ users(first: 1) { totalCount } }", expected: adminOnly },
  "Query.dataRequests": { query: "{ dataRequests(first: 1) { totalCount } }", expected: adminOnly },
  "User.dataRequests": {
    query: asOwnerLogin("dataRequests { id }"),
    variables: ownerCredentials,
    expected: selfOnly,
  },
  "User.orders": {
    query: asOwnerLogin("orders(first: 1) { totalCount }"),
    variables: ownerCredentials,
    expected: ownerOnly,
  },
  "User.recommendedProducts": {
    query: asOwnerLogin("recommendedProducts(first: 1) { id }"),
    variables: ownerCredentials,
    expected: ownerOnly,
  },
  "User.notifications": {
    query: asOwnerLogin("notifications(first: 1) { totalCount }"),
    variables: ownerCredentials,
    expected: selfOnly,
  },
  "User.unreadNotificationCount": {
    query: asOwnerLogin("unreadNotificationCount"),
    variables: ownerCredentials,
    expected: selfOnly,
  },
  "User.notificationPreferences": {
    query: asOwnerLogin("notificationPreferences { kind channel enabled }"),
    variables: ownerCredentials,
    expected: selfOnly,
  },
  "User.wishlist": {
    query: asOwnerLogin("wishlist(first: 1) { totalCount }"),
    variables: ownerCredentials,
    expected: selfOnly,
  },
  "ProductVariant.stock": {
    query: "query ($slug: String!) { product(slug: $slug) { variants { stock { onHand } } } }",
    variables: () => ({ slug: productSlug }),
    expected: adminOnly,
  },
  // Mutations aim at ids that do not exist or input that is refused, so "allowed" changes nothing.
  "Mutation.setStock": {
    query: "mutation ($v: ID!) { setStock(variantId: $v, onHand: 100) { __typename } }",
    variables: () => ({ v: variantId }),
    expected: adminOnly,
  },
  "Mutation.adjustStock": {
    query: 'mutation ($v: ID!) { adjustStock(variantId: $v, delta: 0, reason: "count") { __typename } }',
    variables: () => ({ v: variantId }),
    expected: adminOnly,
  },
  "Mutation.cartAddLine": {
    query: 'mutation { cartAddLine(variantId: "nope", quantity: 1) { __typename } }',
    expected: signedIn,
  },
  "Mutation.cartUpdateLine": {
    query: 'mutation { cartUpdateLine(lineId: "nope", quantity: 1) { __typename } }',
    expected: signedIn,
  },
  "Mutation.cartRemoveLine": {
    query: 'mutation { cartRemoveLine(lineId: "nope") { __typename } }',
    expected: signedIn,
  },
  "Mutation.cartMerge": {
    query: 'mutation { cartMerge(cartId: "gcart_nope") { __typename } }',
    expected: signedIn,
  },
  "Mutation.createCoupon": {
    query: 'mutation { createCoupon(input: { code: "" }) { __typename } }',
    expected: adminOnly,
  },
  "Mutation.checkout": {
    // Every cart here is empty, so an allowed checkout is refused for that, and places nothing.
    query: `mutation ($key: String!) { checkout(input: { shippingAddress: { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" }, paymentToken: "tok_visa", idempotencyKey: $key }) { __typename } }`,
    variables: () => ({ key: randomUUID() }),
    expected: signedIn,
  },
  "Mutation.cancelOrder": { query: 'mutation { cancelOrder(id: "nope") { __typename } }', expected: signedIn },
  "Mutation.updateOrderStatus": {
    query: 'mutation { updateOrderStatus(id: "nope", status: SHIPPED) { __typename } }',
    expected: adminOnly,
  },
  "Mutation.refundPayment": {
    query: 'mutation { refundPayment(paymentId: "nope") { __typename } }',
    expected: adminOnly,
  },
  "Mutation.createProduct": {
    query: 'mutation { createProduct(input: { name: "", description: "", variants: [] }) { __typename } }',
    expected: adminOnly,
  },
  "Mutation.updateProduct": {
    query: 'mutation { updateProduct(id: "nope", input: { name: "x" }) { __typename } }',
    expected: adminOnly,
  },
  "Mutation.updateVariant": {
    query: 'mutation { updateVariant(id: "nope", input: { price: "1.00" }) { __typename } }',
    expected: adminOnly,
  },
  "Mutation.deleteProduct": { query: 'mutation { deleteProduct(id: "nope") { __typename } }', expected: adminOnly },
  "Mutation.createCategory": {
    query: 'mutation { createCategory(input: { name: "" }) { __typename } }',
    expected: adminOnly,
  },
  "Mutation.addReview": {
    query: 'mutation { addReview(input: { productId: "nope", rating: 5, title: "t", body: "b" }) { __typename } }',
    expected: signedIn,
  },
  "Mutation.deleteReview": { query: 'mutation { deleteReview(id: "nope") { __typename } }', expected: signedIn },
  "Mutation.requestMyData": { query: "mutation { requestMyData { __typename } }", expected: signedIn },
  "Mutation.deleteMyAccount": {
    // A wrong password: allowed through, refused by users with INVALID_CREDENTIALS, nothing deleted.
    query: 'mutation { deleteMyAccount(password: "not-the-password") { __typename } }',
    expected: signedIn,
  },
  "Mutation.updateProfile": {
    query: 'mutation { updateProfile(input: { name: "Renamed" }) { __typename } }',
    expected: signedIn,
  },
  "Mutation.setUserRoles": {
    query: 'mutation { setUserRoles(userId: "nope", roles: [CUSTOMER]) { __typename } }',
    expected: adminOnly,
  },
  "Mutation.addAddress": {
    query: 'mutation { addAddress(input: { line1: "", city: "", postalCode: "", country: "XX" }) { __typename } }',
    expected: signedIn,
  },
  "Mutation.removeAddress": { query: 'mutation { removeAddress(id: "nope") { __typename } }', expected: signedIn },
  "Mutation.markNotificationsRead": {
    query: 'mutation { markNotificationsRead(ids: ["nope"]) { __typename } }',
    expected: signedIn,
  },
  "Mutation.markAllNotificationsRead": {
    query: "mutation { markAllNotificationsRead { __typename } }",
    expected: signedIn,
  },
  "Mutation.updateNotificationPreferences": {
    // An empty list is refused as input (a user error), so an allowed call changes nothing.
    query: "mutation { updateNotificationPreferences(preferences: []) { __typename } }",
    expected: signedIn,
  },
  "Mutation.addToWishlist": {
    // A variant nobody sells is a NOT_FOUND user error, so an allowed call adds nothing.
    query: 'mutation { addToWishlist(variantId: "nope") { __typename } }',
    expected: signedIn,
  },
  "Mutation.removeFromWishlist": {
    query: 'mutation { removeFromWishlist(variantId: "nope") { __typename } }',
    expected: signedIn,
  },
};

async function register(name: string) {
  const credentials = { email: uniqueEmail(name), password: "password123" };
  const { register } = await platform.client().Register({ input: { ...credentials, name } });
  expect(register.userErrors).toEqual([]);
  return { ...credentials, userId: register.user!.id, token: register.accessToken! };
}

beforeAll(async () => {
  platform = await startPlatform();
  tokens.admin = (await platform.client().Login(E2E_ADMIN)).login.accessToken!;
  const admin = platform.client(tokens.admin);
  const { products } = await platform.client().ProductListing({ first: 1 });
  productSlug = products.nodes[0]!.slug;
  variantId = (await admin.VariantStock({ slug: productSlug })).product!.variants[0]!.id;
  expect((await admin.SetStock({ variantId, onHand: 100 })).setStock.userErrors).toEqual([]);

  const registered = await register("Owner");
  owner = registered;
  tokens.owner = registered.token;
  tokens.customer = (await register("Customer")).token;
  const shopper = platform.client(tokens.owner);
  expect((await shopper.CartAddLine({ variantId, quantity: 1 })).cartAddLine.userErrors).toEqual([]);
  const { checkout } = await shopper.Checkout({
    input: {
      shippingAddress: { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
      paymentToken: "tok_visa",
      idempotencyKey: randomUUID(),
    },
  });
  expect(checkout.userErrors).toEqual([]);
  orderId = checkout.order!.id;
}, 240_000);
afterAll(() => platform?.stop());

async function outcomeOf(row: Row, viewer: Viewer): Promise<Outcome> {
  const token = tokens[viewer as keyof typeof tokens];
  const { body } = await postToRouter(
    platform.routerUrl,
    { query: row.query, variables: row.variables?.() ?? {} },
    token ? { authorization: `Bearer ${token}` } : {},
  );
  const refusals = (body?.errors ?? []).filter((error) => error.extensions?.code === U || error.extensions?.code === F);
  const byRouter = refusals.find((error) => Object.values(WITHHELD_MESSAGES).includes(error.message as never));
  if (byRouter) return byRouter.extensions!.code as Outcome;
  return refusals.length > 0 ? S : OK;
}

describe("the authorization matrix", () => {
  it("covers every protected type and field the supergraph declares", () => {
    const supergraph = readFileSync(path.resolve(__dirname, "../supergraph.graphql"), "utf8");
    expect(Object.keys(matrix).sort()).toEqual(AccessRules.fromSupergraph(supergraph).protectedNames());
  });

  it.each(Object.keys(matrix))("%s: refused and allowed as declared, for each kind of viewer", async (name) => {
    const row = matrix[name]!;
    const seen: Record<string, Outcome> = {};
    for (const viewer of ["stranger", "customer", "owner", "admin"] as const)
      seen[viewer] = await outcomeOf(row, viewer);
    expect(seen).toEqual(row.expected);
  });
});
