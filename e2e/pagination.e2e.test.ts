import { CartographRequestError, type CartographClient } from "@cartograph/client";
import { waitFor } from "@cartograph/testing";
import { startPlatform, type Platform } from "./platform";
import { buy, openShop, type Shop, type Shopper } from "./shop";

/**
 * Backward pagination (`last`/`before`) on every connection that offers `hasPreviousPage`,
 * through the router: read backward from the end, the pages hold exactly what reading forward
 * from the start held, in the same order.
 */
let platform: Platform;
let shop: Shop;
let shopper: Shopper;

interface PageArgs {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}
interface Page {
  ids: string[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Every id, read forward (`first`/`after`) and backward (`last`/`before`), `size` at a time. */
async function readBothWays(read: (args: PageArgs) => Promise<Page>, size: number) {
  const forward: string[] = [];
  for (let after: string | undefined, pages = 0; ; pages++) {
    expect(pages).toBeLessThan(200);
    const page = await read({ first: size, ...(after ? { after } : {}) });
    forward.push(...page.ids);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor!;
  }
  const backward: string[][] = [];
  let lastPage: Page | undefined;
  for (let before: string | undefined, pages = 0; ; pages++) {
    expect(pages).toBeLessThan(200);
    const page = await read({ last: size, ...(before ? { before } : {}) });
    lastPage ??= page;
    backward.unshift(page.ids);
    // A page read before a cursor always has the cursor's node after it.
    if (before) expect(page.pageInfo.hasNextPage).toBe(true);
    if (!page.pageInfo.hasPreviousPage) break;
    before = page.pageInfo.startCursor!;
  }
  // The last page (no cursor) ends the list.
  expect(lastPage?.pageInfo.hasNextPage).toBe(false);
  return { forward, backward: backward.flat() };
}

async function expectSameBothWays(name: string, read: (args: PageArgs) => Promise<Page>, atLeast: number, size = 2) {
  const { forward, backward } = await readBothWays(read, size);
  expect({ name, count: forward.length >= atLeast }).toEqual({ name, count: true });
  expect({ name, ids: backward }).toEqual({ name, ids: forward });
}

beforeAll(async () => {
  platform = await startPlatform();
  shop = await openShop(platform);
  shopper = await shop.shopper("Pager");
  // Three orders, three wishlist items, three reviews: each list has more than one page of 2.
  for (let order = 0; order < 3; order++) await buy(shopper.client, [[await shop.stockedVariant(5), 1]]);
  const { products } = await platform.client().ProductListing({ first: 3, sort: { field: "NAME", direction: "ASC" } });
  for (const product of products.nodes) {
    expect((await shopper.client.AddToWishlist({ productId: product.id })).addToWishlist.userErrors).toEqual([]);
    const { addReview } = await shopper.client.AddReview({
      input: { productId: product.id, rating: 4, title: "Good", body: `Review of ${product.name}` },
    });
    expect(addReview.userErrors).toEqual([]);
  }
  for (let n = 0; n < 3; n++) {
    const other = await shop.shopper(`Exporter ${n}`);
    expect((await other.client.RequestMyData()).requestMyData.userErrors).toEqual([]);
  }
  // Notifications are written from the orders' events, a moment later: wait until they stop coming.
  const notificationCount = async () =>
    (await shopper.client.MyNotifications({ first: 1 })).me?.notifications.totalCount ?? 0;
  let seen = -1;
  await waitFor(
    async () => {
      const now = await notificationCount();
      const settled = now >= 3 && now === seen;
      seen = now;
      if (!settled) await new Promise((resolve) => setTimeout(resolve, 1_500));
      return settled;
    },
    { what: "the shopper's notifications to settle" },
  );
}, 240_000);
afterAll(async () => {
  await shop?.dispose();
  await platform?.stop();
});

const client = (): CartographClient => shopper.client;
const ids = (nodes: ReadonlyArray<{ id: string }>) => nodes.map((node) => node.id);

describe("backward pagination: last/before", () => {
  it("products, in every sort, read the same both ways", async () => {
    // Each sort with its own customer: a listing's cost is throttled per customer.
    for (const sort of [
      { field: "NAME", direction: "ASC" },
      { field: "PRICE", direction: "DESC" },
      { field: "CREATED_AT", direction: "DESC" },
    ] as const) {
      const reader = (await shop.shopper(`Reader ${sort.field}`)).client;
      await expectSameBothWays(
        `products by ${sort.field}`,
        async (args) => {
          const { products } = await reader.ProductListing({ ...args, sort });
          return { ids: ids(products.nodes), pageInfo: products.pageInfo };
        },
        10,
        15,
      );
    }
    const anonymous = platform.client();
    await expectSameBothWays(
      "a search by relevance",
      async (args) => {
        const { products } = await anonymous.ProductListing({
          ...args,
          filter: { search: "classic" },
          sort: { field: "RELEVANCE", direction: "DESC" },
        });
        return { ids: ids(products.nodes), pageInfo: products.pageInfo };
      },
      2,
    );
  });

  it("a customer's orders, notifications, wishlist and reviews read the same both ways", async () => {
    await expectSameBothWays(
      "my orders",
      async (args) => {
        const orders = (await client().MyOrders(args)).me!.orders;
        return { ids: ids(orders.nodes), pageInfo: orders.pageInfo };
      },
      3,
    );
    await expectSameBothWays(
      "my notifications",
      async (args) => {
        const notifications = (await client().MyNotifications(args)).me!.notifications;
        return { ids: ids(notifications.nodes), pageInfo: notifications.pageInfo };
      },
      3,
    );
    await expectSameBothWays(
      "my wishlist",
      async (args) => {
        const wishlist = (await client().MyWishlist(args)).me!.wishlist;
        return { ids: ids(wishlist.nodes), pageInfo: wishlist.pageInfo };
      },
      3,
    );
    await expectSameBothWays(
      "my reviews",
      async (args) => {
        const reviews = (await client().MyReviews(args)).me!.reviews!;
        return { ids: ids(reviews.nodes), pageInfo: reviews.pageInfo };
      },
      3,
    );
  });

  it("an admin's lists of users, orders and data requests read the same both ways", async () => {
    await expectSameBothWays(
      "users",
      async (args) => {
        const { users } = await shop.admin.Users(args);
        return { ids: users.edges.map((edge) => edge.node.id), pageInfo: users.pageInfo };
      },
      5,
    );
    await expectSameBothWays(
      "orders",
      async (args) => {
        const { orders } = await shop.admin.AdminOrders(args);
        return { ids: ids(orders.nodes), pageInfo: orders.pageInfo };
      },
      3,
    );
    await expectSameBothWays(
      "data requests",
      async (args) => {
        const { dataRequests } = await shop.admin.DataRequests(args);
        return { ids: ids(dataRequests.nodes), pageInfo: dataRequests.pageInfo };
      },
      3,
    );
  });

  it("last alone is the end of the list; both directions at once, or a bad cursor, is BAD_USER_INPUT", async () => {
    const forward = (await client().MyOrders({ first: 100 })).me!.orders.nodes;
    const lastTwo = (await client().MyOrders({ last: 2 })).me!.orders;
    expect(ids(lastTwo.nodes)).toEqual(ids(forward).slice(-2));
    expect(lastTwo.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });

    const refusal = async (args: PageArgs) => {
      const error = await client()
        .MyOrders(args)
        .then(
          () => null,
          (caught: unknown) => caught,
        );
      expect(error).toBeInstanceOf(CartographRequestError);
      return { codes: (error as CartographRequestError).codes, message: (error as CartographRequestError).message };
    };
    expect(await refusal({ first: 2, last: 2 })).toMatchObject({
      codes: ["BAD_USER_INPUT"],
      message: expect.stringContaining("not both"),
    });
    expect(await refusal({ last: 101 })).toMatchObject({
      codes: ["BAD_USER_INPUT"],
      message: expect.stringContaining("`last`"),
    });
    expect(await refusal({ last: 2, before: "not-a-cursor!" })).toMatchObject({
      codes: ["BAD_USER_INPUT"],
      message: expect.stringContaining("`before` cursor"),
    });
  });
});
