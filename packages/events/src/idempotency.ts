/**
 * The idempotent-consumer seam: applies an event's effect at most once per consumer, recording
 * the event id with the effect. PostgreSQL services use `postgresIdempotencyStore` (effect and
 * mark in one transaction); MongoDB services `mongoIdempotencyStore` (no transactions there: the
 * mark only saves repeated work, and handlers are idempotent by themselves).
 */
export interface IdempotencyStore<Tx> {
  /** Runs `apply` and marks the event, atomically; resolves `false` (skipping `apply`) if it was already marked. */
  runOnce(consumer: string, eventId: string, apply: (tx: Tx) => Promise<void>): Promise<boolean>;
}
