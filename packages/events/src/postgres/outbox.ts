import { sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { newEnvelope, type EventEnvelope, type EventType, type NewEvent } from "../catalogue";
import { outboxEvents } from "./tables";

/** Notified (on commit) whenever an event is enqueued, so the relay publishes without waiting for its poll. */
export const OUTBOX_CHANNEL = "cartograph_outbox";

// Any drizzle transaction or database of a service whose schema includes the event tables.
type Executor = Pick<NodePgDatabase<Record<string, unknown>>, "insert" | "execute">;

/**
 * Writes an event to the outbox inside the caller's transaction: it is published if and only if
 * the state change it announces commits. The data is validated against the catalogue first.
 */
export async function enqueueEvent<T extends EventType>(tx: Executor, event: NewEvent<T>): Promise<EventEnvelope<T>> {
  const envelope = newEnvelope(event);
  await tx.insert(outboxEvents).values({
    id: envelope.id,
    type: envelope.type,
    aggregateId: envelope.aggregateId,
    envelope,
    occurredAt: new Date(envelope.occurredAt),
  });
  await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  return envelope;
}
