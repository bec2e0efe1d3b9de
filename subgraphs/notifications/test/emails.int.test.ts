import { eventEnvelope } from "@cartograph/testing";
import {
  emailsOf,
  mailTo,
  orderEvent,
  orderPlaced,
  orderShipped,
  processed,
  registeredCustomer,
  startNotificationsHarness,
  TEST_EMAIL_MAX_ATTEMPTS,
  uniqueId,
  waitFor,
  type NotificationsHarness,
} from "./harness";

let harness: NotificationsHarness;
beforeAll(async () => {
  harness = await startNotificationsHarness();
});
afterAll(() => harness?.close());

/** Waits until every email queued for the user has settled (sent or failed for good). */
const settledEmailsOf = (userId: string, count: number) =>
  waitFor(
    async () => {
      const rows = await emailsOf(harness, userId);
      return rows.length === count && rows.every((row) => row.status !== "PENDING") ? rows : undefined;
    },
    { what: `${count} emails of ${userId} to settle` },
  );

async function notificationsOf(userId: string) {
  const { rows } = await harness.database.pool.query<{ topic: string; title: string; body: string; order_id: string }>(
    "select topic, title, body, order_id from notifications where user_id = $1 order by created_at, id",
    [userId],
  );
  return rows;
}

describe("emails", () => {
  it("sends one email per event however often the event is delivered, with lines, totals and an unsubscribe link", async () => {
    const customer = await registeredCustomer(harness);
    // The catalogue names the mug; the tee it has never heard of keeps its variant id.
    await harness.deliver(
      eventEnvelope("variant.created", "var_mug", {
        variantId: "var_mug",
        productId: "prd_of_var_mug",
        sku: "MUG-BLU",
        title: "Blue",
        productName: "Mug",
        price: { amount: 1999, currencyCode: "USD" },
        active: true,
      }),
    );
    const placed = orderPlaced(customer.userId);
    await Promise.all([harness.broker.publishEvent(placed), harness.broker.publishEvent(placed)]);
    await waitFor(() => processed(harness, placed.id), { what: "order.placed" });
    // The same event once more after it was applied: the inbox skips it.
    await harness.deliver(placed);
    // A positive sign that the queue moved past the duplicates: a later event's email arrives.
    await harness.deliver(orderEvent("order.paid", customer.userId, placed.data.orderId));
    const emails = await settledEmailsOf(customer.userId, 3);
    expect(emails.map((row) => [row.topic, row.status])).toEqual([
      ["WELCOME", "SENT"],
      ["ORDER_PLACED", "SENT"],
      ["ORDER_PAID", "SENT"],
    ]);
    await waitFor(() => mailTo(harness, customer.email).length === 3, { what: "the SMTP server to have 3 emails" });

    const received = mailTo(harness, customer.email);
    expect(received.map((mail) => mail.subject)).toEqual([
      "Welcome to Cartograph",
      "We have your order",
      "Order confirmed",
    ]);
    const confirmation = received[1]!;
    expect(confirmation.text).toContain(`Hello ${customer.name},`);
    expect(confirmation.text).toContain("2 x Mug - Blue (MUG-BLU) at 19.99 USD = 39.98 USD");
    expect(confirmation.text).toContain("1 x var_tee at 20.00 USD = 20.00 USD");
    expect(confirmation.text).toContain("Total: 59.98 USD");
    expect(confirmation.html).toContain("<td>Mug - Blue (MUG-BLU)</td>");
    expect(confirmation.html).toContain("39.98 USD");
    expect(confirmation.html).toContain(`Order ${placed.data.orderId}`);
    const unsubscribe = confirmation.headerLines.find((header) => header.key === "list-unsubscribe");
    expect(unsubscribe?.line).toContain("<https://shop.example.test/unsubscribe?token=");
    // Account messages carry no unsubscribe link: no preference can turn them off.
    expect(received[0]!.text).not.toContain("Unsubscribe");
  });

  it("turns each order event into an in-app notification and an email; a cancellation says why", async () => {
    const customer = await registeredCustomer(harness);
    const placed = orderPlaced(customer.userId);
    const orderId = placed.data.orderId;
    await harness.deliver(placed);
    await harness.deliver(orderEvent("order.paid", customer.userId, orderId));
    await harness.deliver(orderShipped(customer.userId, orderId));
    await harness.deliver(orderEvent("order.refunded", customer.userId, orderId));
    const other = orderPlaced(customer.userId);
    await harness.deliver(other);
    await harness.deliver(orderEvent("order.cancelled", customer.userId, other.data.orderId));
    // A status change other than SHIPPED has its own event (or none worth telling): nothing here.
    const reserved = eventEnvelope("order.status_changed", orderId, {
      orderId,
      userId: customer.userId,
      status: "RESERVED",
      previousStatus: "PENDING",
      reason: null,
      at: new Date().toISOString(),
    });
    await harness.deliver(reserved);

    const topics = [
      "WELCOME",
      "ORDER_PLACED",
      "ORDER_PAID",
      "ORDER_SHIPPED",
      "ORDER_REFUNDED",
      "ORDER_PLACED",
      "ORDER_CANCELLED",
    ];
    expect((await notificationsOf(customer.userId)).map((row) => row.topic)).toEqual(topics);
    const emails = await settledEmailsOf(customer.userId, topics.length);
    expect(emails.map((row) => row.topic)).toEqual(topics);
    expect(emails.every((row) => row.status === "SENT" && row.sentTo === customer.email)).toBe(true);

    const cancelled = emails.at(-1)!;
    expect(cancelled.textBody).toContain("Reason: Payment declined: insufficient funds.");
    // Lines and total come from `order.placed`, kept for events that carry only the order's id.
    expect(cancelled.textBody).toContain("Total: 59.98 USD");
    const refunded = (await notificationsOf(customer.userId)).find((row) => row.topic === "ORDER_REFUNDED")!;
    expect(refunded.body).toBe(`Order ${orderId} was refunded: 59.98 USD.`);
  });

  it("keeps an email through an SMTP outage, retrying with back-off, and delivers it once the server is back", async () => {
    const customer = await registeredCustomer(harness);
    await settledEmailsOf(customer.userId, 1);
    harness.smtp.setDown(true);
    try {
      const placed = orderPlaced(customer.userId);
      await harness.deliver(placed);
      const failing = await waitFor(
        async () => {
          const row = (await emailsOf(harness, customer.userId)).find((email) => email.topic === "ORDER_PLACED");
          return row && row.attempts >= 2 ? row : undefined;
        },
        { what: "two failed send attempts" },
      );
      expect(failing.status).toBe("PENDING");
      expect(failing.lastError).toMatch(/421|not available/i);
      expect(failing.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    } finally {
      harness.smtp.setDown(false);
    }
    const emails = await settledEmailsOf(customer.userId, 2);
    expect(emails[1]).toMatchObject({ topic: "ORDER_PLACED", status: "SENT", lastError: null });
    expect(emails[1]!.attempts).toBeGreaterThanOrEqual(3);
    await waitFor(() => mailTo(harness, customer.email).length === 2, { what: "the delayed email" });
    expect(mailTo(harness, customer.email).map((mail) => mail.subject)).toEqual([
      "Welcome to Cartograph",
      "We have your order",
    ]);
  });

  it("marks an email FAILED with its error after the last attempt, never dropping it silently", async () => {
    // Nobody announced this user: there is no address to send to.
    const userId = uniqueId("usr_unknown");
    await harness.deliver(orderPlaced(userId));
    const [email] = await settledEmailsOf(userId, 1);
    expect(email).toMatchObject({
      status: "FAILED",
      attempts: TEST_EMAIL_MAX_ATTEMPTS,
      lastError: "no email address is known for this user yet",
      sentAt: null,
    });
  });
});
