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
  // Sound: `data` was just validated by the schema of this very `type`.
  return { ...envelope.data, type, data: data.data } as EventOf;
}
