import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { processedEvents } from "./tables";

/**
 * The idempotent-consumer seam: applies an event's effect at most once per consumer, recording
 * the event id in the same unit of work as the effect. PostgreSQL services use
 * `postgresIdempotencyStore`; a MongoDB service can implement this with a session transaction
 * and a unique index on (consumer, eventId).
 */
export interface IdempotencyStore<Tx> {
  /** Runs `apply` and marks the event, atomically; resolves `false` (skipping `apply`) if it was already marked. */
  runOnce(consumer: string, eventId: string, apply: (tx: Tx) => Promise<void>): Promise<boolean>;
}

/** A drizzle transaction of a database with schema `TSchema`. */
export type PgTransaction<TSchema extends Record<string, unknown>> = Parameters<
  Parameters<NodePgDatabase<TSchema>["transaction"]>[0]
>[0];

export function postgresIdempotencyStore<TSchema extends Record<string, unknown>>(
  db: NodePgDatabase<TSchema>,
): IdempotencyStore<PgTransaction<TSchema>> {
  return {
    runOnce: (consumer, eventId, apply) =>
      db.transaction(async (tx) => {
        // Marking first: a concurrent delivery of the same event blocks on this row until we
        // commit, then finds it and skips; if we roll back, it goes ahead.
        const marked = await tx
          .insert(processedEvents)
          .values({ consumer, eventId })
          .onConflictDoNothing()
          .returning({ eventId: processedEvents.eventId });
        if (marked.length === 0) return false;
        await apply(tx);
        return true;
      }),
  };
}
