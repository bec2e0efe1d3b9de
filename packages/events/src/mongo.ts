import type { Db } from "mongodb";
import type { Logger } from "pino";
import type { Broker } from "./broker";
import { newEnvelope } from "./catalogue";
import type { Consumer } from "./consumer";
import { startCustomerDataConsumer, type CustomerDataHandlers } from "./customer-data";
import type { IdempotencyStore } from "./idempotency";

/** What a MongoDB consumer's handler gets instead of a transaction. */
export interface MongoUnitOfWork {
  db: Db;
  eventId: string;
}

interface ProcessedEventDocument {
  _id: string;
  consumer: string;
  eventId: string;
  processedAt: Date;
}

/**
 * The inbox for MongoDB services. FerretDB and a standalone MongoDB have no multi-document
 * transactions, so the effect and the mark cannot commit together: the mark is written after
 * the effect and only saves repeated work. Handlers must therefore be idempotent on their own
 * (upserts keyed by the event's subject, increments guarded by the order or event id), so a
 * crash between effect and mark, or two deliveries at once, still changes nothing twice.
 */
export function mongoIdempotencyStore(
  db: Db,
  { keepDays = 14 }: { keepDays?: number } = {},
): IdempotencyStore<MongoUnitOfWork> {
  const processed = db.collection<ProcessedEventDocument>("processed_events");
  // FerretDB has no TTL indexes: marks older than any redelivery are pruned here, at most hourly.
  let prunedAt = 0;
  const pruneNowAndThen = async () => {
    if (Date.now() - prunedAt < 3_600_000) return;
    prunedAt = Date.now();
    await processed.deleteMany({ processedAt: { $lt: new Date(Date.now() - keepDays * 86_400_000) } });
  };
  return {
    runOnce: async (consumer, eventId, apply) => {
      await pruneNowAndThen();
      const _id = `${consumer}:${eventId}`;
      if (await processed.findOne({ _id }, { projection: { _id: 1 } })) return false;
      await apply({ db, eventId });
      await processed
        .updateOne({ _id }, { $setOnInsert: { consumer, eventId, processedAt: new Date() } }, { upsert: true })
        .catch((error: unknown) => {
          // A concurrent delivery marked it first: fine, the effect is idempotent.
          if ((error as { code?: number }).code !== 11000) throw error;
        });
      return true;
    },
  };
}

/** The inbox's index (part of each MongoDB service's `ensure*Indexes`), for the hourly prune. */
export async function ensureInboxIndexes(db: Db): Promise<void> {
  await db
    .collection<ProcessedEventDocument>("processed_events")
    .createIndex({ processedAt: 1 }, { name: "by_processed_at" });
}

/**
 * `startCustomerDataConsumer` for a MongoDB service. It has no outbox: the reply is published at
 * once, and a failed publish throws, so the consumer runs the (idempotent) handler again rather
 * than the answer being lost.
 */
export function startMongoCustomerDataConsumer(options: {
  broker: Broker;
  db: Db;
  log: Logger;
  queueOwner: string;
  service: string;
  handlers: CustomerDataHandlers<MongoUnitOfWork>;
}): Promise<Consumer> {
  const { broker, db, ...rest } = options;
  return startCustomerDataConsumer({
    ...rest,
    broker,
    store: mongoIdempotencyStore(db),
    send: (_, reply) => broker.publishEvent(newEnvelope(reply)),
  });
}
