import { waitFor } from "@cartograph/testing";
import { postToRouter, startPlatform, type Platform } from "./platform";
import { buy, openShop, type Shop, type Shopper } from "./shop";

/**
 * `node(id:)` and `nodes(ids:)` through the router, for every entity type: the router's own node
 * subgraph names the type from the id, and the subgraph that owns the type answers the rest,
 * with its own access rules.
 */
let platform: Platform;
let shop: Shop;
let buyer: Shopper;
let stranger: Shopper;
const ids: Record<string, string> = {};

const ask = async (query: string, variables: Record<string, unknown>, token?: string) =>
  (await postToRouter(platform.routerUrl, { query, variables }, token ? { authorization: `Bearer ${token}` } : {}))
    .body!;
const tokenOf = async (shopper: Shopper) =>
  (await platform.client().Login({ email: shopper.email, password: "password123" })).login.accessToken!;

beforeAll(async () => {
  platform = await startPlatform();
  shop = await openShop(platform);
  buyer = await shop.shopper("Node Buyer");
  stranger = await shop.shopper("Node Stranger");
  const { products } = await platform.client().ProductListing({ first: 1, sort: { field: "NAME", direction: "ASC" } });
  const { product } = await platform.client().ProductPage({ slug: products.nodes[0]!.slug });
  ids.Product = product!.id;
  ids.ProductVariant = product!.variants[0]!.id;
  ids.Category = product!.category!.id;
  ids.User = buyer.userId;
  const order = await buy(buyer.client, [[await shop.stockedVariant(5), 1]]);
  ids.Order = order.id;
  const paid = await ask(
    "query ($id: ID!) { order(id: $id) { payment { id } } }",
    { id: order.id },
    await tokenOf(buyer),
  );
  ids.Payment = (paid.data as { order: { payment: { id: string } } }).order.payment.id;
  const { addReview } = await buyer.client.AddReview({
    input: { productId: product!.id, rating: 5, title: "Fine", body: "A fine product." },
  });
  ids.Review = addReview.review!.id;
  await waitFor(
    async () => ((await buyer.client.MyNotifications({ first: 1 })).me?.notifications.nodes.length ?? 0) > 0,
    {
      what: "a notification for the buyer",
    },
  );
  ids.Notification = (await buyer.client.MyNotifications({ first: 1 })).me!.notifications.nodes[0]!.id;
}, 240_000);
afterAll(async () => {
  await shop?.dispose();
  await platform?.stop();
});

describe("node(id:) and nodes(ids:)", () => {
  it("finds every entity type by its id, with the owning subgraph's fields", async () => {
    const token = await tokenOf(buyer);
    const query = `query ($id: ID!) { node(id: $id) { __typename id
      ... on Product { name } ... on ProductVariant { sku } ... on Category { slug } ... on User { email }
      ... on Order { number } ... on Payment { status } ... on Review { title } ... on Notification { title } } }`;
    for (const [type, id] of Object.entries(ids)) {
      const { data, errors } = await ask(query, { id }, token);
      expect({ type, errors }).toEqual({ type, errors: undefined });
      const node = (data as { node: Record<string, unknown> }).node;
      expect(node).toMatchObject({ __typename: type, id });
      // One field only the owning subgraph has, answered.
      expect(Object.keys(node).filter((key) => key !== "__typename" && key !== "id")).toHaveLength(1);
      expect(Object.values(node).every((value) => value !== null)).toBe(true);
    }
    expect(Object.keys(ids)).toHaveLength(8);
  });

  it("answers many at once in the order asked, null for an id that names no type", async () => {
    const { data, errors } = await ask("query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {
      ids: [ids.Category, "gcart_nothing", ids.Product, "not-an-id"],
    });
    expect(errors).toBeUndefined();
    expect((data as { nodes: unknown[] }).nodes).toEqual([
      { __typename: "Category", id: ids.Category },
      null,
      { __typename: "Product", id: ids.Product },
      null,
    ]);
    // A node type's prefix, but nothing by that id: null too (the owning service finds nothing).
    const missing = await ask('query { node(id: "prd_nothing_here") { id ... on Product { name } } }', {});
    expect({ data: missing.data, errors: missing.errors }).toEqual({ data: { node: null }, errors: undefined });
    const tooMany = await ask("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {
      ids: Array.from({ length: 101 }, (_, n) => `prd_${n}`),
    });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("keeps each type's access rules: another customer's order, payment and notification are refused", async () => {
    const token = await tokenOf(stranger);
    for (const type of ["Order", "Payment", "Notification"]) {
      const { data, errors } = await ask(
        `query ($id: ID!) { node(id: $id) { id ... on Order { number } ... on Payment { status } ... on Notification { title } } }`,
        { id: ids[type] },
        token,
      );
      expect({ type, node: (data as { node: unknown } | null)?.node ?? null }).toEqual({ type, node: null });
      expect({ type, codes: errors?.map((error) => error.extensions?.code) }).toEqual({
        type,
        codes: expect.arrayContaining([expect.stringMatching(/FORBIDDEN|UNAUTHENTICATED/)]),
      });
    }
    // A user is found, but their email stays theirs.
    const { data, errors } = await ask(
      `query ($id: ID!) { node(id: $id) { ... on User { name email } } }`,
      { id: ids.User },
      token,
    );
    expect((data as { node: unknown } | null)?.node ?? null).toBeNull();
    expect(errors?.map((error) => error.extensions?.code)).toContain("FORBIDDEN");
  });
});
