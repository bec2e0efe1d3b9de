import {
  userDataRequested,
  eventEnvelope,
  observeCustomerDataReplies,
  userDeleted,
  type CustomerDataReplies,
} from "@cartograph/testing";
import { eq } from "drizzle-orm";
import { schema } from "../src/db";
import {
  emailsOf,
  orderEvent,
  orderPlaced,
  registeredCustomer,
  startNotificationsHarness,
  waitFor,
  type NotificationsHarness,
} from "./harness";

let harness: NotificationsHarness;
let replies: CustomerDataReplies;
beforeAll(async () => {
  harness = await startNotificationsHarness();
  replies = await observeCustomerDataReplies(harness.config.EVENTS_EXCHANGE);
});
afterAll(async () => {
  await replies?.close();
  await harness?.close();
});

const notificationsOf = (userId: string) =>
  harness.database.db.select().from(schema.notifications).where(eq(schema.notifications.userId, userId));

/** A registered customer with a paid order, a preference and a wishlist item. */
async function customerWithHistory(name: string) {
  const customer = await registeredCustomer(harness, name);
  const placed = orderPlaced(customer.userId);
  await harness.deliver(placed);
  await harness.deliver(orderEvent("order.paid", customer.userId, placed.data.orderId));
  await harness.database.db
    .insert(schema.notificationPreferences)
    .values({ userId: customer.userId, kind: "MARKETING", channel: "EMAIL", enabled: true });
  await harness.database.db
    .insert(schema.wishlistItems)
    .values({ id: `wsh_${customer.userId}`, userId: customer.userId, productId: "prd_lamp", variantId: null });
  return { ...customer, orderId: placed.data.orderId };
}

describe("a customer's data in notifications", () => {
  it("exports the customer's address, notifications, preferences, wishlist, emails and orders, and nobody else's", async () => {
    const ada = await customerWithHistory("Ada Lovelace");
    const grace = await customerWithHistory("Grace Hopper");
    const request = userDataRequested(ada.userId);
    await harness.deliver(request);

    const reply = await replies.exported(request.data.requestId);
    expect(reply.data).toMatchObject({ userId: ada.userId, service: "notifications" });
    const data = reply.data.data;
    expect(data.recipient).toEqual({ email: ada.email, name: "Ada Lovelace" });
    expect((data.notifications as Array<{ topic: string }>).map((n) => n.topic)).toEqual([
      "WELCOME",
      "ORDER_PLACED",
      "ORDER_PAID",
    ]);
    expect(data.preferences).toEqual([{ kind: "MARKETING", channel: "EMAIL", enabled: true }]);
    expect(data.wishlist).toEqual([{ productId: "prd_lamp", variantId: null, addedAt: expect.any(String) }]);
    expect((data.emails as Array<Record<string, unknown>>)[0]).toEqual({
      topic: "WELCOME",
      subject: "Welcome to Cartograph",
      status: expect.any(String),
      sentTo: expect.anything(),
      sentAt: expect.anything(),
      createdAt: expect.any(String),
    });
    expect(data.orders).toEqual([expect.objectContaining({ orderId: ada.orderId, total: 5998, currencyCode: "USD" })]);
    expect((data.purchases as Array<{ orderId: string }>).map((p) => p.orderId)).toEqual([ada.orderId, ada.orderId]);
    const text = JSON.stringify(data);
    for (const theirs of [grace.userId, grace.email, grace.orderId]) expect(text).not.toContain(theirs);
    expect(text).not.toContain("text_body");
  });

  it("erases everything of the customer's, says so once, and later events about them produce nothing", async () => {
    const ada = await customerWithHistory("Ada Lovelace");
    const grace = await customerWithHistory("Grace Hopper");
    const deleted = userDeleted(ada.userId);
    await harness.deliver(deleted);

    const reply = await replies.erased(deleted.data.requestId);
    expect(reply.data).toMatchObject({ userId: ada.userId, service: "notifications" });
    expect(reply.data.summary).toEqual({
      recipients: 1,
      notifications: 3,
      preferences: 1,
      wishlistItems: 1,
      emailDeliveries: 3,
      orderCopies: 1,
      purchases: 2,
    });
    const { db } = harness.database;
    for (const [table, column] of [
      [schema.recipients, schema.recipients.userId],
      [schema.notifications, schema.notifications.userId],
      [schema.notificationPreferences, schema.notificationPreferences.userId],
      [schema.wishlistItems, schema.wishlistItems.userId],
      [schema.emailDeliveries, schema.emailDeliveries.userId],
      [schema.orderCopies, schema.orderCopies.userId],
      [schema.purchases, schema.purchases.userId],
    ] as const) {
      expect(await db.select().from(table).where(eq(column, ada.userId))).toEqual([]);
      expect((await db.select().from(table).where(eq(column, grace.userId))).length).toBeGreaterThan(0);
    }
    expect(await db.select().from(schema.erasedCustomers).where(eq(schema.erasedCustomers.userId, ada.userId))).toEqual(
      [{ userId: ada.userId, erasedAt: expect.any(Date) }],
    );

    // A refund of the old order, then one for Grace as the sign both were processed.
    await harness.deliver(orderEvent("order.refunded", ada.userId, ada.orderId));
    await harness.deliver(orderEvent("order.refunded", grace.userId, grace.orderId));
    await waitFor(async () => (await notificationsOf(grace.userId)).some((n) => n.topic === "ORDER_REFUNDED"));
    expect(await notificationsOf(ada.userId)).toEqual([]);
    expect(await emailsOf(harness, ada.userId)).toEqual([]);
    expect(await db.select().from(schema.recipients).where(eq(schema.recipients.userId, ada.userId))).toEqual([]);

    const again = userDeleted(ada.userId);
    await harness.deliver(again);
    expect(Object.values((await replies.erased(again.data.requestId)).data.summary)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(replies.count(deleted.data.requestId)).toBe(1);
  });

  it("tells the customer their export is ready, in-app and by email, whatever their preferences", async () => {
    const ada = await registeredCustomer(harness);
    await harness.database.db.insert(schema.notificationPreferences).values([
      { userId: ada.userId, kind: "ORDER_UPDATES", channel: "EMAIL", enabled: false },
      { userId: ada.userId, kind: "ORDER_UPDATES", channel: "IN_APP", enabled: false },
    ]);
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const ready = eventEnvelope("user.data_export_ready", ada.userId, {
      requestId: "req_1",
      userId: ada.userId,
      expiresAt,
    });
    await harness.deliver(ready);

    const notes = (await notificationsOf(ada.userId)).filter((n) => n.topic === "DATA_EXPORT_READY");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ title: "Your data is ready", orderId: null });
    expect(notes[0]!.body).toContain("from your account");
    expect(notes[0]!.body).toContain(new Date(expiresAt).toUTCString());
    const emails = (await emailsOf(harness, ada.userId)).filter((e) => e.topic === "DATA_EXPORT_READY");
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ subject: "Your data is ready", unsubscribeUrl: null });
  });
});
