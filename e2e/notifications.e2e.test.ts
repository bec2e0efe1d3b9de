import { CartographRequestError, createCartographClient, type NotificationAddedSubscription } from "@cartograph/client";
import { waitFor } from "@cartograph/testing";
import { startSmtpReceiver, type ParsedMail, type SmtpReceiver } from "@cartograph/testing/smtp";
import pg from "pg";
import WebSocket from "ws";
import { startPlatform, type Platform } from "./platform";
import { buy, openShop, type Shop } from "./shop";

// Issue 14's journey through the router: a checkout produces the in-app notifications, pushed live
// over `notificationAdded`, and exactly one confirmation email, read back from an SMTP server this
// test runs in place of the mail catcher.

let smtp: SmtpReceiver;
let platform: Platform;
let shop: Shop;
let notificationsDb: pg.Pool;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  platform = await startPlatform({
    env: {
      SMTP_URL: smtp.url,
      // Sent promptly and retried within seconds: the outage below lasts a few seconds, not minutes.
      EMAIL_POLL_INTERVAL_MS: "200",
      EMAIL_RETRY_BASE_MS: "500",
      EMAIL_RETRY_MAX_MS: "2000",
    },
  });
  shop = await openShop(platform);
  notificationsDb = new pg.Pool({ connectionString: platform.databaseUrl("notifications"), max: 2 });
}, 240_000);
afterAll(async () => {
  await shop?.dispose();
  await notificationsDb?.end();
  await platform?.stop();
  await smtp?.close();
});

const mailsTo = (email: string, subject?: string): ParsedMail[] =>
  smtp.received.filter(
    (mail) =>
      [mail.to ?? []].flat().some((to) => to.value.some((address) => address.address === email)) &&
      (subject === undefined || mail.subject === subject),
  );

/** The customer's email deliveries as the notifications store holds them. */
async function deliveries(userId: string): Promise<Array<{ topic: string; status: string; attempts: number }>> {
  const { rows } = await notificationsDb.query<{ topic: string; status: string; attempts: number }>(
    "select topic, status, attempts from email_deliveries where user_id = $1 order by created_at",
    [userId],
  );
  return rows;
}

describe("notifications through the router", () => {
  it("a checkout: ORDER_PLACED and ORDER_PAID pushed live, one confirmation email, and both in me { notifications }", async () => {
    const buyer = await shop.shopper("Ada");
    const variantId = await shop.stockedVariant(3);

    // Notifications is stopped while the order goes through, so its events wait on its durable
    // queue and the subscription below is surely live before any of them is turned into a notification.
    expect(await platform.stopService("notifications")).toBe(0);
    let orderId: string;
    const stream = buyer.live.NotificationAdded()[Symbol.asyncIterator]();
    const pushed: NotificationAddedSubscription["notificationAdded"][] = [];
    const collecting = (async () => {
      while (pushed.filter((n) => n.topic.startsWith("ORDER_")).length < 2) {
        const step = await stream.next();
        if (step.done) return;
        pushed.push((step.value as NotificationAddedSubscription).notificationAdded);
      }
    })();
    try {
      orderId = (await buy(buyer.client, [[variantId, 2]])).id;
      // The saga does not wait for notifications: the order is paid with it down.
      await waitFor(async () => (await buyer.client.Order({ id: orderId })).order?.status === "PAID", {
        what: "the order to be paid",
        timeoutMs: 30_000,
      });
    } finally {
      await platform.startService("notifications");
    }
    await waitFor(() => pushed.filter((n) => n.topic.startsWith("ORDER_")).length >= 2 || undefined, {
      what: "ORDER_PLACED and ORDER_PAID over notificationAdded",
      timeoutMs: 30_000,
    });
    await collecting;
    await stream.return?.();
    const orderNotifications = pushed.filter((n) => n.topic.startsWith("ORDER_"));
    expect(orderNotifications.map((n) => n.topic)).toEqual(["ORDER_PLACED", "ORDER_PAID"]);
    // Resolved through the notifications subgraph and, for the order, through orders.
    expect(orderNotifications.every((n) => n.order?.id === orderId && n.read === false && n.title.length > 0)).toBe(
      true,
    );
    expect(orderNotifications[1]!.order?.status).toBe("PAID");

    // Every queued email of this customer sent once; exactly one confirmation, about this order.
    await waitFor(
      async () => {
        const rows = await deliveries(buyer.userId);
        return rows.length >= 3 && rows.every((row) => row.status === "SENT");
      },
      { what: "the welcome, placed and confirmed emails to be sent", timeoutMs: 30_000 },
    );
    expect((await deliveries(buyer.userId)).map((row) => row.topic)).toEqual(["WELCOME", "ORDER_PLACED", "ORDER_PAID"]);
    expect(mailsTo(buyer.email)).toHaveLength(3);
    const confirmations = mailsTo(buyer.email, "Order confirmed");
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.text).toContain(orderId);
    expect(confirmations[0]!.html).toContain(orderId);
    const unsubscribe = confirmations[0]!.headerLines.find((header) => header.key === "list-unsubscribe");
    expect(unsubscribe?.line).toMatch(/<http[^>]+\?token=[^>]+>/);

    // The same notifications in the customer's list, newest first, unread until marked.
    const { me } = await buyer.client.MyNotifications({ first: 10 });
    const listed = me!.notifications.nodes.map((n) => [n.topic, n.id]);
    expect(listed.slice(0, 2)).toEqual([
      ["ORDER_PAID", orderNotifications[1]!.id],
      ["ORDER_PLACED", orderNotifications[0]!.id],
    ]);
    expect(me!.unreadNotificationCount).toBe(me!.notifications.totalCount);
    const { markAllNotificationsRead } = await buyer.client.MarkAllNotificationsRead();
    expect(markAllNotificationsRead.unreadNotificationCount).toBe(0);
  });

  it("another customer hears nothing of my notifications, and an anonymous subscriber is refused", async () => {
    const [buyer, stranger] = [await shop.shopper("Grace"), await shop.shopper("Edsger")];
    const heard: NotificationAddedSubscription["notificationAdded"][] = [];
    const strangerStream = stranger.live.NotificationAdded()[Symbol.asyncIterator]();
    void (async () => {
      for (;;) {
        const step = await strangerStream.next().catch(() => ({ done: true as const, value: undefined }));
        if (step.done) return;
        heard.push((step.value as NotificationAddedSubscription).notificationAdded);
      }
    })();
    const paidOrdersHeard = () => heard.filter((n) => n.topic === "ORDER_PAID").map((n) => n.order?.id);
    // The stranger hears their own order first, so their subscription is live before the buyer's.
    const first = (await buy(stranger.client, [[await shop.stockedVariant(2), 1]])).id;
    await waitFor(() => paidOrdersHeard().includes(first) || undefined, { what: "the stranger's own order" });
    const orderId = (await buy(buyer.client, [[await shop.stockedVariant(2), 1]])).id;
    await waitFor(
      async () => (await deliveries(buyer.userId)).filter((row) => row.status === "SENT").length >= 3 || undefined,
      { what: "the buyer's emails", timeoutMs: 30_000 },
    );
    // Then another of their own: events reach the router in order, so the buyer's came before it.
    const last = (await buy(stranger.client, [[await shop.stockedVariant(2), 1]])).id;
    await waitFor(() => paidOrdersHeard().includes(last) || undefined, { what: "the stranger's second order" });
    await strangerStream.return?.();
    const { me } = await buyer.client.MyNotifications({ first: 10 });
    const buyerIds = me!.notifications.nodes.filter((n) => n.order?.id === orderId).map((n) => n.id);
    expect(buyerIds).toHaveLength(2);
    expect(heard.filter((n) => buyerIds.includes(n.id))).toEqual([]);
    expect(heard.every((n) => n.order === null || n.order.id === first || n.order.id === last)).toBe(true);
    await waitFor(() => mailsTo(stranger.email, "Order confirmed").length >= 2 || undefined, {
      what: "the stranger's two confirmations",
    });
    expect(mailsTo(stranger.email, "Order confirmed").map((mail) => mail.text?.includes(orderId))).toEqual([
      false,
      false,
    ]);

    const anonymous = createCartographClient({ url: platform.routerUrl, webSocketImpl: WebSocket });
    try {
      const updates = anonymous.NotificationAdded()[Symbol.asyncIterator]();
      const error = await updates.next().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CartographRequestError);
      expect((error as CartographRequestError).codes).toEqual(["UNAUTHENTICATED"]);
    } finally {
      await anonymous.dispose();
    }
  });

  it("an SMTP outage delays the confirmation email, which is sent once the server is back", async () => {
    const buyer = await shop.shopper("Barbara");
    await waitFor(async () => (await deliveries(buyer.userId))[0]?.status === "SENT" || undefined, {
      what: "the welcome email",
      timeoutMs: 30_000,
    });
    smtp.setDown(true);
    let orderId: string;
    try {
      const refusedBefore = smtp.refused();
      orderId = (await buy(buyer.client, [[await shop.stockedVariant(2), 1]])).id;
      await waitFor(async () => (await buyer.client.Order({ id: orderId })).order?.status === "PAID", {
        what: "the order to be paid",
        timeoutMs: 30_000,
      });
      await waitFor(
        async () => {
          const paid = (await deliveries(buyer.userId)).find((row) => row.topic === "ORDER_PAID");
          return (
            (paid && paid.status === "PENDING" && paid.attempts >= 2 && smtp.refused() > refusedBefore) || undefined
          );
        },
        { what: "the confirmation to fail twice against the refusing server", timeoutMs: 30_000 },
      );
      expect(mailsTo(buyer.email, "Order confirmed")).toHaveLength(0);
    } finally {
      smtp.setDown(false);
    }
    const [confirmation] = await waitFor(
      () => {
        const mails = mailsTo(buyer.email, "Order confirmed");
        return mails.length > 0 ? mails : undefined;
      },
      { what: "the confirmation once the SMTP server is back", timeoutMs: 30_000 },
    );
    expect(confirmation!.text).toContain(orderId);
    await waitFor(async () => (await deliveries(buyer.userId)).every((row) => row.status === "SENT") || undefined, {
      what: "every delivery marked sent",
    });
    expect(mailsTo(buyer.email, "Order confirmed")).toHaveLength(1);
  });

  it("wishlists: items resolved across subgraphs; a price drop and a return to stock alert the customers who still want it, once", async () => {
    const [keen, bought, indifferent] = [
      await shop.shopper("Keen"),
      await shop.shopper("Bought"),
      await shop.shopper("Indifferent"),
    ];
    const variantId = await shop.stockedVariant(5);
    for (const customer of [keen, bought]) {
      const { addToWishlist } = await customer.client.AddToWishlist({ variantId });
      expect(addToWishlist.userErrors).toEqual([]);
    }
    // Names, prices and stock come from products and inventory through the router, in one request.
    const { me } = await keen.client.MyWishlist({ first: 10 });
    const [item] = me!.wishlist.nodes;
    expect(me!.wishlist.totalCount).toBe(1);
    expect(item!.variant).toMatchObject({ id: variantId, inStock: true });
    expect(item!.product.name.length).toBeGreaterThan(0);
    // Minor units from the decimal string (USD: two digits), so no float touches a price.
    const cents = Number.parseInt(item!.variant!.price.amount.replace(".", ""), 10);
    const decimal = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;

    // One customer buys it (paid), so it alerts them no more.
    const orderId = (await buy(bought.client, [[variantId, 1]])).id;
    await waitFor(async () => (await bought.client.Order({ id: orderId })).order?.status === "PAID", {
      what: "the order to be paid",
      timeoutMs: 30_000,
    });
    const topicsOf = async (customer: { client: Shop["admin"] }) =>
      (await customer.client.MyNotifications({ first: 20 })).me!.notifications.nodes.map((n) => n.topic);

    const raise = await shop.admin.UpdateVariant({ id: variantId, input: { price: decimal(cents + 100) } });
    expect(raise.updateVariant.userErrors).toEqual([]);
    const cheaper = decimal(cents - 50);
    const drop = await shop.admin.UpdateVariant({ id: variantId, input: { price: cheaper } });
    expect(drop.updateVariant.userErrors).toEqual([]);
    await waitFor(async () => (await topicsOf(keen)).includes("PRICE_DROP") || undefined, {
      what: "the price-drop alert",
      timeoutMs: 30_000,
    });
    await waitFor(() => mailsTo(keen.email).some((mail) => mail.subject?.startsWith("Price drop:")) || undefined, {
      what: "the price-drop email",
      timeoutMs: 30_000,
    });

    // Out of stock, then back: one alert.
    expect((await shop.admin.SetStock({ variantId, onHand: 0 })).setStock.userErrors).toEqual([]);
    expect((await shop.admin.SetStock({ variantId, onHand: 4 })).setStock.userErrors).toEqual([]);
    await waitFor(async () => (await topicsOf(keen)).includes("BACK_IN_STOCK") || undefined, {
      what: "the back-in-stock alert",
      timeoutMs: 30_000,
    });
    // More stock on top is no news; then the buyer's own later events, so the ones before have arrived.
    expect((await shop.admin.SetStock({ variantId, onHand: 9 })).setStock.userErrors).toEqual([]);
    const later = (await buy(keen.client, [[await shop.stockedVariant(2), 1]])).id;
    await waitFor(async () => (await keen.client.Order({ id: later })).order?.status === "PAID", {
      what: "a later order",
      timeoutMs: 30_000,
    });
    await waitFor(async () => (await topicsOf(keen)).includes("ORDER_PAID") || undefined, {
      what: "the later order's notification",
      timeoutMs: 30_000,
    });
    const keenTopics = await topicsOf(keen);
    expect(keenTopics.filter((topic) => topic === "PRICE_DROP")).toHaveLength(1);
    expect(keenTopics.filter((topic) => topic === "BACK_IN_STOCK")).toHaveLength(1);
    expect(mailsTo(keen.email).filter((mail) => mail.subject?.startsWith("Price drop:"))).toHaveLength(1);
    const [alert] = (await keen.client.MyNotifications({ first: 20 })).me!.notifications.nodes.filter(
      (n) => n.topic === "PRICE_DROP",
    );
    expect(alert!.body).toContain(cheaper);
    expect(await topicsOf(bought)).not.toContain("PRICE_DROP");
    expect(await topicsOf(bought)).not.toContain("BACK_IN_STOCK");
    expect(await topicsOf(indifferent)).toEqual(["WELCOME"]);
  });
});
