import { and, eq, isNotNull, ne, or, sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { Logger } from "pino";
import type { Broker } from "../broker";
import type { Consumer } from "../consumer";
import { startCustomerDataConsumer, type CustomerDataHandlers } from "../customer-data";
import { postgresIdempotencyStore, type PgTransaction } from "./inbox";
import { enqueueEvent } from "./outbox";
import { outboxEvents } from "./tables";

type Executor = Pick<NodePgDatabase<Record<string, unknown>>, "delete">;

/**
 * Deletes the customer's events this service already published: they are kept only for the
 * relay, and they carry personal data (`user.registered`'s address, an export's part). Events not
 * yet published stay, so what must still go out (the erasure's own reply) does, and so do earlier
 * `user.erased` replies: they hold only counts, and are this service's own record of each erasure.
 */
export async function forgetPublishedEvents(tx: Executor, userId: string): Promise<number> {
  const deleted = await tx
    .delete(outboxEvents)
    .where(
      and(
        isNotNull(outboxEvents.publishedAt),
        ne(outboxEvents.type, "user.erased"),
        or(eq(outboxEvents.aggregateId, userId), sql`${outboxEvents.envelope}->'data'->>'userId' = ${userId}`),
      ),
    )
    .returning({ id: outboxEvents.id });
  return deleted.length;
}

/**
 * A PostgreSQL service's part in customers' data requests: the answer is written to the outbox in
 * the inbox's transaction (it commits with the erasure), and an erasure also forgets the
 * customer's published events (`publishedEvents` in its counts).
 */
export function startPostgresCustomerDataConsumer<TSchema extends Record<string, unknown>>(options: {
  broker: Broker;
  db: NodePgDatabase<TSchema>;
  log: Logger;
  queueOwner: string;
  service: string;
  handlers: CustomerDataHandlers<PgTransaction<TSchema>>;
}): Promise<Consumer> {
  const { handlers } = options;
  return startCustomerDataConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log: options.log,
    queueOwner: options.queueOwner,
    service: options.service,
    handlers: {
      exportCustomerData: (tx, userId) => handlers.exportCustomerData(tx, userId),
      eraseCustomerData: async (tx, userId) => ({
        ...(await handlers.eraseCustomerData(tx, userId)),
        publishedEvents: await forgetPublishedEvents(tx, userId),
      }),
    },
    send: (tx, reply) => enqueueEvent(tx, reply),
  });
}
