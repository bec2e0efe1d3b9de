import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { IdempotencyStore } from "../idempotency";
import { processedEvents } from "./tables";

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
