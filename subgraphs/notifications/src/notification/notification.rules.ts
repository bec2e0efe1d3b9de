import type { EventOf } from "@cartograph/events";
import type { NotificationTopicValue, OrderCopyRow, OrderLineRecord } from "../db/schema";
import { displayMoney, subtotalOf, type OrderSummary } from "../email/email.templates";

/** The events this service turns into notifications. */
export const NOTIFYING_EVENTS = [
  "user.registered",
  "order.placed",
  "order.paid",
  "order.status_changed",
  "order.cancelled",
  "order.refunded",
  "user.data_export_ready",
] as const;
export type NotifyingEvent = EventOf<(typeof NOTIFYING_EVENTS)[number]>;

/** One message about one event, before channels: the in-app text and what the email says. */
export interface Message {
  topic: NotificationTopicValue;
  userId: string;
  orderId: string | null;
  /** In-app title, and the email's subject. */
  title: string;
  /** In-app body: one or two sentences. */
  body: string;
  /** The email's paragraphs, before the order table. */
  paragraphs: string[];
  order?: OrderSummary;
}

const linesOf = (
  lines: ReadonlyArray<{ variantId: string; productId: string; quantity: number; unitPrice: { amount: number } }>,
): OrderLineRecord[] =>
  lines.map((line) => ({
    variantId: line.variantId,
    productId: line.productId,
    quantity: line.quantity,
    unitPrice: line.unitPrice.amount,
  }));

const itemsWord = (lines: readonly OrderLineRecord[]) => {
  const units = lines.reduce((sum, line) => sum + line.quantity, 0);
  return units === 1 ? "1 item" : `${units} items`;
};

/** The order as `order.placed` described it, if that event has been seen. */
const summaryOf = (copy: OrderCopyRow | null): OrderSummary | undefined =>
  copy ? { orderId: copy.orderId, lines: copy.lines, currencyCode: copy.currencyCode, total: copy.total } : undefined;

/**
 * The message an event calls for, or null when it calls for none (a status change other than
 * shipped: paid, cancelled and refunded have events of their own). `copy` is what `order.placed`
 * said of the order, for events that carry only its id.
 */
export function messageFor(event: NotifyingEvent, copy: OrderCopyRow | null): Message | null {
  switch (event.type) {
    case "user.registered":
      return {
        topic: "WELCOME",
        userId: event.data.userId,
        orderId: null,
        title: "Welcome to Cartograph",
        body: `Your account for ${event.data.email} is ready.`,
        paragraphs: [`Your account for ${event.data.email} is ready. Happy shopping!`],
      };
    case "order.placed": {
      const lines = linesOf(event.data.lines);
      const total = displayMoney(event.data.total.amount, event.data.total.currencyCode);
      return {
        topic: "ORDER_PLACED",
        userId: event.data.userId,
        orderId: event.data.orderId,
        title: "We have your order",
        body: `Order ${event.data.orderId}: ${itemsWord(lines)}, ${total}. We will tell you once it is paid.`,
        paragraphs: ["Thank you for your order. We are reserving your items and taking the payment."],
        order: {
          orderId: event.data.orderId,
          lines,
          currencyCode: event.data.total.currencyCode,
          total: event.data.total.amount,
        },
      };
    }
    case "order.paid": {
      const lines = linesOf(event.data.lines);
      const currencyCode = event.data.lines[0]!.unitPrice.currencyCode;
      const total = copy?.total ?? null;
      const shown = displayMoney(total ?? subtotalOf(lines), currencyCode);
      return {
        topic: "ORDER_PAID",
        userId: event.data.userId,
        orderId: event.data.orderId,
        title: "Order confirmed",
        body: `Order ${event.data.orderId} is paid (${shown}) and being prepared.`,
        paragraphs: ["Your payment went through and your order is confirmed. We are preparing it for shipping."],
        order: { orderId: event.data.orderId, lines, currencyCode, total },
      };
    }
    case "order.status_changed":
      if (event.data.status !== "SHIPPED") return null;
      return {
        topic: "ORDER_SHIPPED",
        userId: event.data.userId,
        orderId: event.data.orderId,
        title: "Your order is on its way",
        body: `Order ${event.data.orderId} has been handed to the carrier.`,
        paragraphs: ["Your order has been handed to the carrier and is on its way to you."],
        ...(copy ? { order: summaryOf(copy) } : {}),
      };
    case "order.cancelled":
      return {
        topic: "ORDER_CANCELLED",
        userId: event.data.userId,
        orderId: event.data.orderId,
        title: "Order cancelled",
        body: `Order ${event.data.orderId} was cancelled: ${event.data.reason}.`,
        paragraphs: [
          `Your order was cancelled. Reason: ${event.data.reason}.`,
          "If you were charged, the money is refunded to your card.",
        ],
        ...(copy ? { order: summaryOf(copy) } : {}),
      };
    case "user.data_export_ready": {
      const until = new Date(event.data.expiresAt).toUTCString();
      return {
        topic: "DATA_EXPORT_READY",
        userId: event.data.userId,
        orderId: null,
        title: "Your data is ready",
        body: `The copy of your data you asked for is ready: download it from your account before ${until}.`,
        paragraphs: [
          "The copy of everything Cartograph holds about you, which you asked for, is ready.",
          `Download it from your account before ${until}; after that it is deleted, and you can ask again.`,
        ],
      };
    }
    case "order.refunded":
      return {
        topic: "ORDER_REFUNDED",
        userId: event.data.userId,
        orderId: event.data.orderId,
        title: "Order refunded",
        body: copy
          ? `Order ${event.data.orderId} was refunded: ${displayMoney(copy.total, copy.currencyCode)}.`
          : `Order ${event.data.orderId} was refunded.`,
        paragraphs: ["Your order has been refunded in full. Your bank may take a few days to show it."],
        ...(copy ? { order: summaryOf(copy) } : {}),
      };
  }
}
