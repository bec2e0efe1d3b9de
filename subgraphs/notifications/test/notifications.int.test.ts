import { orderPlaced, registeredCustomer, startNotificationsHarness, type NotificationsHarness } from "./harness";

let harness: NotificationsHarness;
beforeAll(async () => {
  harness = await startNotificationsHarness();
});
afterAll(() => harness?.close());

interface Page {
  totalCount: number;
  nodes: Array<{ id: string; topic: string; read: boolean; order: { id: string } | null }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

const LIST = `query($r: [_Any!]!, $first: Int, $after: String, $unreadOnly: Boolean) { _entities(representations: $r) { ... on User {
  unreadNotificationCount
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount nodes { id topic read order { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } } }`;
const MARK = `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { markedCount unreadNotificationCount userErrors { code } } }`;
const MARK_ALL = `mutation { markAllNotificationsRead { markedCount unreadNotificationCount userErrors { code } } }`;

async function page(
  user: { userId: string; token: string },
  args: { first?: number; after?: string | null; unreadOnly?: boolean },
): Promise<{ unreadNotificationCount: number; notifications: Page }> {
  const result = await harness.gql<{ _entities: Array<{ unreadNotificationCount: number; notifications: Page }> }>(
    LIST,
    { r: [{ __typename: "User", id: user.userId }], ...args },
    user.token,
  );
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0]!;
}

async function allPages(user: { userId: string; token: string }, first: number, unreadOnly = false) {
  const seen: Page["nodes"] = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i += 1) {
    const { notifications } = await page(user, { first, after, unreadOnly });
    seen.push(...notifications.nodes);
    if (!notifications.pageInfo.hasNextPage) break;
    after = notifications.pageInfo.endCursor;
  }
  return seen;
}

describe("in-app notifications", () => {
  it("page newest first with keyset cursors, every notification once", async () => {
    const customer = await registeredCustomer(harness);
    const orders: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const placed = orderPlaced(customer.userId);
      orders.push(placed.data.orderId);
      await harness.deliver(placed);
    }

    const first = await page(customer, { first: 2 });
    expect(first.unreadNotificationCount).toBe(5);
    expect(first.notifications.totalCount).toBe(5);
    expect(first.notifications.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.notifications.nodes.map((n) => n.order?.id)).toEqual([orders[3], orders[2]]);

    const all = await allPages(customer, 2);
    expect(all.map((n) => n.topic)).toEqual([
      "ORDER_PLACED",
      "ORDER_PLACED",
      "ORDER_PLACED",
      "ORDER_PLACED",
      "WELCOME",
    ]);
    expect(all.map((n) => n.order?.id ?? null)).toEqual([...[...orders].reverse(), null]);
    expect(new Set(all.map((n) => n.id)).size).toBe(5);
  });

  it("are marked read by their owner only, and unreadOnly pages skip the read ones", async () => {
    const customer = await registeredCustomer(harness);
    const stranger = await registeredCustomer(harness);
    await harness.deliver(orderPlaced(customer.userId));
    await harness.deliver(orderPlaced(customer.userId));
    const [newest, middle] = (await page(customer, {})).notifications.nodes;

    const byStranger = await harness.gql<{ markNotificationsRead: { markedCount: number } }>(
      MARK,
      { ids: [newest!.id] },
      stranger.token,
    );
    expect(byStranger.data!.markNotificationsRead.markedCount).toBe(0);
    const signedOut = await harness.gql(MARK, { ids: [newest!.id] }, null);
    expect(signedOut.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const marked = await harness.gql<{
      markNotificationsRead: { markedCount: number; unreadNotificationCount: number };
    }>(MARK, { ids: [newest!.id, middle!.id] }, customer.token);
    expect(marked.data!.markNotificationsRead).toMatchObject({ markedCount: 2, unreadNotificationCount: 1 });
    const unread = await allPages(customer, 1, true);
    expect(unread.map((n) => n.topic)).toEqual(["WELCOME"]);
    expect((await page(customer, { unreadOnly: true })).notifications.totalCount).toBe(1);

    const all = await harness.gql<{
      markAllNotificationsRead: { markedCount: number; unreadNotificationCount: number };
    }>(MARK_ALL, {}, customer.token);
    expect(all.data!.markAllNotificationsRead).toMatchObject({ markedCount: 1, unreadNotificationCount: 0 });
    expect((await page(customer, {})).notifications.nodes.every((n) => n.read)).toBe(true);
    expect((await page(stranger, {})).unreadNotificationCount).toBe(1);
  });

  it("refuses another user's list, and a malformed cursor", async () => {
    const customer = await registeredCustomer(harness);
    const other = await harness.gql(
      LIST,
      { r: [{ __typename: "User", id: customer.userId }] },
      harness.tokens.customer(),
    );
    expect(other.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const bad = await harness.gql(
      LIST,
      { r: [{ __typename: "User", id: customer.userId }], after: "nope" },
      customer.token,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
