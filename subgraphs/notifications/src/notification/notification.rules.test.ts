import { randomUUID } from "node:crypto";
import type { OrderCopyRow } from "../db/schema";
import { messageFor, type NotifyingEvent } from "./notification.rules";

const envelope = <E extends NotifyingEvent>(type: E["type"], data: E["data"]) =>
  ({ id: randomUUID(), type, occurredAt: new Date().toISOString(), aggregateId: "ord_1", version: 1, data }) as E;

const copy: OrderCopyRow = {
  orderId: "ord_1",
  userId: "usr_1",
  lines: [{ variantId: "var_a", productId: "prd_a", quantity: 2, unitPrice: 1999 }],
  total: 3498,
  currencyCode: "USD",
  placedAt: new Date(),
};

const statusChanged = (status: "SHIPPED" | "RESERVED") =>
  envelope("order.status_changed", {
    orderId: "ord_1",
    userId: "usr_1",
    status,
    previousStatus: "PAID",
    reason: null,
    at: new Date().toISOString(),
  });

describe("messages for events", () => {
  it("tells of a shipped order only among status changes (the others have events of their own)", () => {
    expect(messageFor(statusChanged("SHIPPED"), copy)).toMatchObject({ topic: "ORDER_SHIPPED", orderId: "ord_1" });
    expect(messageFor(statusChanged("RESERVED"), copy)).toBeNull();
  });

  it("shows a paid order's total from order.placed (coupons make it differ from the lines' sum)", () => {
    const paid = envelope("order.paid", {
      orderId: "ord_1",
      userId: "usr_1",
      lines: [
        { variantId: "var_a", productId: "prd_a", quantity: 2, unitPrice: { amount: 1999, currencyCode: "USD" } },
      ],
      paidAt: new Date().toISOString(),
    });
    expect(messageFor(paid, copy)).toMatchObject({
      body: expect.stringContaining("(34.98 USD)"),
      order: { total: 3498 },
    });
    // Without order.placed seen, the lines' sum is what is known; the email shows no total line.
    expect(messageFor(paid, null)).toMatchObject({
      body: expect.stringContaining("(39.98 USD)"),
      order: { total: null },
    });
  });

  it("says why an order was cancelled, with or without its lines", () => {
    const cancelled = envelope("order.cancelled", { orderId: "ord_1", userId: "usr_1", reason: "Out of stock" });
    expect(messageFor(cancelled, null)).toMatchObject({
      topic: "ORDER_CANCELLED",
      body: "Order ord_1 was cancelled: Out of stock.",
    });
    expect(messageFor(cancelled, null)?.order).toBeUndefined();
    expect(messageFor(cancelled, copy)?.order).toMatchObject({ total: 3498, currencyCode: "USD" });
  });
});
