import { randomUUID } from "node:crypto";
import { parseEnvelope, processTraced, type Broker, type BrokerChannel, type EventOf } from "@cartograph/events";
import type { Logger } from "@cartograph/service-kit";
import type { ResponseCache } from "./response-cache";

/** The events that change public data the router may have cached. */
export const EVICTING_EVENTS = [
  "product.created",
  "product.updated",
  "product.deleted",
  "variant.created",
  "variant.updated",
  "stock.changed",
  "review.added",
  "review.deleted",
  "order.paid",
] as const;

type EvictingEvent = EventOf<(typeof EVICTING_EVENTS)[number]>;

/** Root fields that list products: a product's change can add it to, or drop it from, any of them. */
const PRODUCT_LISTS = ["Query.products", "Query.category", "Query.categories", "Query.trendingProducts"];

/** The cache tags an event makes stale: the entities it names, and the lists they can appear in. */
export function tagsOf(event: EvictingEvent): string[] {
  switch (event.type) {
    case "product.created":
    case "product.updated":
    case "product.deleted":
      return [event.data.productId, ...event.data.variantIds, ...PRODUCT_LISTS];
    case "variant.created":
    case "variant.updated":
      // A price or availability change moves a product in sorted and filtered lists.
      return [event.data.variantId, event.data.productId, ...PRODUCT_LISTS];
    case "stock.changed":
      return event.data.variants.flatMap((variant) => [variant.variantId, variant.productId]);
    case "review.added":
    case "review.deleted":
      return [event.data.reviewId, event.data.productId];
    case "order.paid":
      // Verified purchases and what is bought together change with every paid order.
      return event.data.lines.map((line) => line.productId);
  }
}

export interface CacheInvalidation {
  /** Events applied since start. */
  applied(): number;
  stop(): Promise<void>;
}

/**
 * Every router process hears the evicting events on its own exclusive queue (so every replica and
 * every worker evicts, whichever served the write) and evicts the entries they make stale.
 */
export async function startCacheInvalidation(options: {
  broker: Broker;
  queueOwner: string;
  cache: ResponseCache;
  log: Logger;
}): Promise<CacheInvalidation> {
  const queue = `${options.queueOwner}.cache.${randomUUID()}`;
  let applied = 0;
  const channel: BrokerChannel = await options.broker.openChannel(`cache ${queue}`, async (ch) => {
    await ch.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
    for (const type of EVICTING_EVENTS) await ch.bindQueue(queue, options.broker.exchange, type);
    await ch.consume(
      queue,
      (message) => {
        if (!message) return;
        try {
          const event = parseEnvelope(JSON.parse(message.content.toString("utf8"))) as EvictingEvent;
          processTraced(event, { exchange: options.broker.exchange, queue }, () => {
            const evicted = options.cache.invalidate(tagsOf(event));
            applied += 1;
            options.log.debug({ type: event.type, evicted }, "cache entries evicted");
          });
        } catch (error) {
          options.log.warn({ err: error }, "an event the cache could not read: ignored");
        }
      },
      { noAck: true },
    );
  });
  return {
    applied: () => applied,
    stop: () => channel.close(),
  };
}
