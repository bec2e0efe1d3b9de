import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { eventCatalogue, type EventData, type EventEnvelope, type EventType } from "../catalogue";
import { outboxEvents } from "./tables";

/** Notified (on commit) whenever an event is enqueued, so the relay publishes without waiting for its poll. */
export const OUTBOX_CHANNEL = "cartograph_outbox";

// Any drizzle transaction or database of a service whose schema includes the event tables.
type Executor = Pick<NodePgDatabase<Record<string, unknown>>, "insert" | "execute">;

export interface NewEvent<T extends EventType> {
  type: T;
  aggregateId: string;
  data: EventData<T>;
  version?: number;
}

/**
 * Writes an event to the outbox inside the caller's transaction: it is published if and only if
 * the state change it announces commits. The data is validated against the catalogue first.
 */
export async function enqueueEvent<T extends EventType>(tx: Executor, event: NewEvent<T>): Promise<EventEnvelope<T>> {
  const data = eventCatalogue[event.type].parse(event.data) as EventData<T>;
  const envelope: EventEnvelope<T> = {
    id: randomUUID(),
    type: event.type,
    occurredAt: new Date().toISOString(),
    aggregateId: event.aggregateId,
    version: event.version ?? 1,
    data,
  };
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
