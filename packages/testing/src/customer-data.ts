import { randomUUID } from "node:crypto";
import type { CustomerDataReply, EventData, EventEnvelope } from "@cartograph/events";
import type pg from "pg";
import { eventEnvelope } from "./events";

/** `user.data_requested` as users announces it, for a new request unless told. */
export const userDataRequested = (userId: string, requestId: string = randomUUID()) =>
  eventEnvelope("user.data_requested", userId, { requestId, userId, requestedAt: new Date().toISOString() });

/** `user.deleted` as users announces it, for a new request unless told. */
export const userDeleted = (userId: string, requestId: string = randomUUID()) =>
  eventEnvelope("user.deleted", userId, { requestId, userId, deletedAt: new Date().toISOString() });

type ReplyType = CustomerDataReply["type"];

/**
 * What a PostgreSQL service answered a customer data request with, from its outbox, oldest first.
 * An erasure's `publishedEvents` count (what `forgetPublishedEvents` removed) depends on how far the
 * relay had got, so it is left out; tests check the outbox itself for that.
 */
export async function outboxRepliesTo<T extends ReplyType>(
  pool: pg.Pool,
  type: T,
  requestId: string,
): Promise<Array<EventData<T>>> {
  const { rows } = await pool.query<{ envelope: EventEnvelope<T> }>(
    `select envelope from outbox_events where type = $1 and envelope->'data'->>'requestId' = $2
     order by occurred_at, id`,
    [type, requestId],
  );
  return rows.map((row) => {
    const data = row.envelope.data as EventData<ReplyType>;
    if (!("summary" in data)) return data as EventData<T>;
    const { publishedEvents: _forgotten, ...summary } = data.summary;
    return { ...data, summary } as EventData<T>;
  });
}
