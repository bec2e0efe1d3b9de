import { randomUUID } from "node:crypto";
import type { EventEnvelope, EventType } from "@cartograph/events";

/** An event as its producer would publish it (fresh id, now), for tests that play the producer. */
export function eventEnvelope<T extends EventType>(
  type: T,
  aggregateId: string,
  data: EventEnvelope<T>["data"],
  occurredAt = new Date(),
): EventEnvelope<T> {
  return { id: randomUUID(), type, occurredAt: occurredAt.toISOString(), aggregateId, version: 1, data };
}

/** `product.created` for a product with one variant (MongoDB services only look at id and `active`). */
export function productCreated(productId: string, { active = true, categoryId = null as string | null } = {}) {
  return eventEnvelope("product.created", productId, {
    productId,
    slug: productId,
    name: `Product ${productId}`,
    active,
    categoryId,
    variantIds: [`var_of_${productId}`],
  });
}

/** `order.paid` for one line per product (a unit at 10.00 each), paid now unless told otherwise. */
export function orderPaid(order: { orderId: string; userId: string; productIds: string[]; paidAt?: Date }) {
  const paidAt = order.paidAt ?? new Date();
  return eventEnvelope(
    "order.paid",
    order.orderId,
    {
      orderId: order.orderId,
      userId: order.userId,
      lines: order.productIds.map((productId) => ({
        variantId: `var_of_${productId}`,
        productId,
        quantity: 1,
        unitPrice: { amount: 1000, currencyCode: "USD" },
      })),
      paidAt: paidAt.toISOString(),
    },
    paidAt,
  );
}
