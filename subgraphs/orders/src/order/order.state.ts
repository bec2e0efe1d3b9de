import { registerEnumType } from "type-graphql";

export enum OrderStatus {
  PENDING = "PENDING",
  RESERVED = "RESERVED",
  PAID = "PAID",
  SHIPPED = "SHIPPED",
  DELIVERED = "DELIVERED",
  CANCELLED = "CANCELLED",
  REFUNDED = "REFUNDED",
}
registerEnumType(OrderStatus, { name: "OrderStatus" });

/** Why an order was cancelled, for clients to act on (the status history keeps the message). */
export enum OrderCancellationReason {
  OUT_OF_STOCK = "OUT_OF_STOCK",
  PAYMENT_DECLINED = "PAYMENT_DECLINED",
  CANCELLED_BY_CUSTOMER = "CANCELLED_BY_CUSTOMER",
  CANCELLED_BY_ADMIN = "CANCELLED_BY_ADMIN",
}
registerEnumType(OrderCancellationReason, {
  name: "OrderCancellationReason",
  description: "Why an order was cancelled.",
  valuesConfig: {
    OUT_OF_STOCK: { description: "Inventory could not reserve every line; the cart was given back." },
    PAYMENT_DECLINED: { description: "The payment was declined; the cart was given back." },
    CANCELLED_BY_CUSTOMER: { description: "The customer cancelled it." },
    CANCELLED_BY_ADMIN: { description: "An administrator cancelled it." },
  },
});

/**
 * The only moves an order can make, and why. Anything else (a late or duplicate event, an admin
 * asking for the impossible) is refused: an event that does not fit is ignored and logged.
 */
export const orderTransitions: Readonly<Record<OrderStatus, Partial<Record<OrderStatus, string>>>> = {
  [OrderStatus.PENDING]: {
    [OrderStatus.RESERVED]: "inventory reserved every line",
    [OrderStatus.CANCELLED]: "out of stock, or cancelled by the customer",
  },
  [OrderStatus.RESERVED]: {
    [OrderStatus.PAID]: "the payment succeeded",
    [OrderStatus.CANCELLED]: "the payment was declined, or cancelled by the customer",
  },
  [OrderStatus.PAID]: {
    [OrderStatus.SHIPPED]: "handed to the carrier",
    [OrderStatus.CANCELLED]: "cancelled by the customer before shipping (refunded)",
    [OrderStatus.REFUNDED]: "fully refunded",
  },
  [OrderStatus.SHIPPED]: {
    [OrderStatus.DELIVERED]: "delivered",
    [OrderStatus.REFUNDED]: "fully refunded",
  },
  [OrderStatus.DELIVERED]: {
    [OrderStatus.REFUNDED]: "fully refunded",
  },
  [OrderStatus.CANCELLED]: {},
  [OrderStatus.REFUNDED]: {},
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return orderTransitions[from][to] !== undefined;
}

/** Statuses from which a customer may still cancel (API.md: before SHIPPED). */
export const CANCELLABLE = new Set([OrderStatus.PENDING, OrderStatus.RESERVED, OrderStatus.PAID]);

/** What an admin may set by hand; the rest belongs to the saga. */
export const ADMIN_SETTABLE = new Set([OrderStatus.SHIPPED, OrderStatus.DELIVERED]);

export function isOrderStatus(value: string): value is OrderStatus {
  return Object.hasOwn(orderTransitions, value);
}
