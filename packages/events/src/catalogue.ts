import { randomUUID } from "node:crypto";
import { captureTraceContext, type TraceContext } from "@cartograph/service-kit/telemetry";
import { z } from "zod";

/** Money on the wire: integer minor units and the currency, never a float or a decimal string. */
const money = z.object({ amount: z.number().int(), currencyCode: z.string().length(3) });

/** What other services keep of a variant (orders prices carts from it; inventory stocks it). */
const variantSnapshot = z.object({
  variantId: z.string(),
  productId: z.string(),
  sku: z.string(),
  title: z.string(),
  productName: z.string(),
  price: money,
  /** False when the product is deleted (inactive): nobody can buy it. */
  active: z.boolean(),
});

const orderStatus = z.enum(["PENDING", "RESERVED", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"]);

const orderLine = z.object({
  variantId: z.string(),
  productId: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: money,
});

const productSnapshot = z.object({
  productId: z.string(),
  slug: z.string(),
  name: z.string(),
  active: z.boolean(),
  categoryId: z.string().nullable(),
  variantIds: z.array(z.string()),
});

/**
 * Every event that crosses a service boundary, with the shape of its `data`. Producers and
 * consumers share this one catalogue; consumers validate against it before acting.
 * Routing key = event type = `<aggregate>.<event>`, past tense.
 */
export const eventCatalogue = {
  "user.registered": z.object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
  }),
  "product.created": productSnapshot,
  "product.updated": productSnapshot,
  "product.deleted": productSnapshot,
  "variant.created": variantSnapshot,
  "variant.updated": variantSnapshot,
  /**
   * What can be bought of some variants changed (stock set or adjusted, units held, released,
   * committed or restocked). Says which, not how many: the router evicts what it cached of them.
   * `inStock` (whether any unit can be bought now, after the change) is optional: events from
   * before it have none, and a consumer must not read its absence as "out of stock".
   */
  "stock.changed": z.object({
    variants: z
      .array(
        z.object({
          variantId: z.string(),
          productId: z.string(),
          inStock: z.boolean().optional(),
          /** Units a checkout could reserve now (0 once the variant is no longer sold); absent from older producers. */
          available: z.number().int().min(0).optional(),
        }),
      )
      .min(1),
  }),
  /** A review was written or deleted: the product's rating and reviews changed. */
  "review.added": z.object({ reviewId: z.string(), productId: z.string(), authorId: z.string() }),
  "review.deleted": z.object({ reviewId: z.string(), productId: z.string(), authorId: z.string() }),

  // The checkout saga (ARCHITECTURE.md). Orders starts it; inventory and payments answer.
  "order.placed": z.object({
    orderId: z.string(),
    userId: z.string(),
    lines: z.array(orderLine).min(1),
    total: money,
    /** The gateway's single-use payment token (never a card number). */
    paymentToken: z.string(),
  }),
  "inventory.reserved": z.object({ orderId: z.string() }),
  "inventory.rejected": z.object({
    orderId: z.string(),
    shortages: z.array(z.object({ variantId: z.string(), requested: z.number().int(), available: z.number().int() })),
  }),
  "payment.succeeded": z.object({ orderId: z.string(), paymentId: z.string(), amount: money }),
  "payment.failed": z.object({ orderId: z.string(), paymentId: z.string(), reason: z.string() }),
  "payment.refunded": z.object({
    orderId: z.string(),
    paymentId: z.string(),
    refundId: z.string(),
    amount: money,
    /** True once everything paid has been refunded. */
    fullyRefunded: z.boolean(),
  }),
  /** Every status change, for subscribers (the router) and anyone keeping order state. */
  "order.status_changed": z.object({
    orderId: z.string(),
    userId: z.string(),
    status: orderStatus,
    previousStatus: orderStatus.nullable(),
    reason: z.string().nullable(),
    at: z.string(),
  }),
  "order.paid": z.object({
    orderId: z.string(),
    userId: z.string(),
    lines: z.array(orderLine).min(1),
    paidAt: z.string(),
  }),
  "order.cancelled": z.object({ orderId: z.string(), userId: z.string(), reason: z.string() }),
  "order.refunded": z.object({ orderId: z.string(), userId: z.string() }),

  // A customer's data on request (docs/architecture.md, "A customer's data on request"). Users
  // announces a request; every service holding customer data answers it with one reply.
  /** The customer asked for a copy of their data: every service sends its part (`user.data_exported`). */
  "user.data_requested": z.object({ requestId: z.string(), userId: z.string(), requestedAt: z.string() }),
  /** The account was deleted: every service erases or anonymises what it holds and says so (`user.erased`). */
  "user.deleted": z.object({ requestId: z.string(), userId: z.string(), deletedAt: z.string() }),
  /** One service's part of a customer's export: what it holds about them, as plain JSON. */
  "user.data_exported": z.object({
    requestId: z.string(),
    userId: z.string(),
    service: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
  /** One service's proof that it handled `user.deleted`: what it removed or anonymised, as counts. */
  "user.erased": z.object({
    requestId: z.string(),
    userId: z.string(),
    service: z.string(),
    summary: z.record(z.string(), z.number().int().nonnegative()),
  }),
  /** Every part of an export arrived: the customer can download it until `expiresAt`. */
  "user.data_export_ready": z.object({ requestId: z.string(), userId: z.string(), expiresAt: z.string() }),

  /** An in-app notification was written for a customer: the router pushes it to `notificationAdded`. */
  "notification.added": z.object({ notificationId: z.string(), userId: z.string(), createdAt: z.string() }),
} as const;

export type EventCatalogue = typeof eventCatalogue;
export type EventType = keyof EventCatalogue;
export type EventData<T extends EventType> = z.infer<EventCatalogue[T]>;

/** The envelope on the wire (ARCHITECTURE.md, Events). */
export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  occurredAt: string;
  aggregateId: string;
  /** Schema version of `data` for this type; bump on incompatible change. */
  version: number;
  data: EventData<T>;
  /**
   * W3C trace context, when traced: at rest in the outbox, of the span that created the event; on
   * the wire, of the span that published it (ARCHITECTURE.md, Tracing). Optional: envelopes from
   * before it, or from a producer without tracing, have none.
   */
  traceContext?: TraceContext;
}

/**
 * The envelope of any one of the types `T`, as a union discriminated by `type`: narrowing on
 * `event.type` narrows `event.data`.
 */
export type EventOf<T extends EventType = EventType> = { [K in T]: EventEnvelope<K> }[T];

export function isKnownEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalogue, type);
}

const envelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string(),
  occurredAt: z.string(),
  aggregateId: z.string(),
  version: z.number().int().positive(),
  data: z.unknown(),
  // A trace context that does not parse costs the event its place in a trace, never its delivery.
  traceContext: z.object({ traceparent: z.string(), tracestate: z.string().optional() }).optional().catch(undefined),
});

export class InvalidEventError extends Error {}

/** Parses a message body into a typed envelope, or throws InvalidEventError (never retried). */
export function parseEnvelope(body: unknown): EventOf {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) throw new InvalidEventError(`not an event envelope: ${envelope.error.message}`);
  const { type } = envelope.data;
  if (!isKnownEventType(type)) throw new InvalidEventError(`unknown event type "${type}"`);
  const data = eventCatalogue[type].safeParse(envelope.data.data);
  if (!data.success) throw new InvalidEventError(`invalid data for ${type}: ${data.error.message}`);
  const { traceContext, ...fields } = envelope.data;
  // Sound: `data` was just validated by the schema of this very `type`.
  return { ...fields, type, data: data.data, ...(traceContext ? { traceContext } : {}) } as EventOf;
}

/** An event as its producer states it; `newEnvelope` gives it an id and a time. */
export interface NewEvent<T extends EventType> {
  type: T;
  aggregateId: string;
  data: EventData<T>;
  version?: number;
}

/**
 * The envelope of a new event, its data validated against the catalogue (throws if it does not
 * fit), with the trace context it is created in (the request or the event being processed).
 */
export function newEnvelope<T extends EventType>(event: NewEvent<T>): EventEnvelope<T> {
  const traceContext = captureTraceContext();
  return {
    id: randomUUID(),
    type: event.type,
    occurredAt: new Date().toISOString(),
    aggregateId: event.aggregateId,
    version: event.version ?? 1,
    data: eventCatalogue[event.type].parse(event.data) as EventData<T>,
    ...(traceContext ? { traceContext } : {}),
  };
}
