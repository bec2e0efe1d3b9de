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

/** What a PostgreSQL service answered a customer data request with, from its outbox, oldest first. */
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
  return rows.map((row) => row.envelope.data);
}
