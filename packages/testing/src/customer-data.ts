import { randomUUID } from "node:crypto";
import {
  parseEnvelope,
  type CustomerDataReply,
  type EventData,
  type EventEnvelope,
  type EventOf,
} from "@cartograph/events";
import { RABBITMQ_URL, waitFor } from "@cartograph/test-datastores";
import { connect } from "amqplib";
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
 * A reply without the erasure's `publishedEvents` count (what `forgetPublishedEvents` removed),
 * which depends on how far the relay had got; tests check the outbox itself for that.
 */
function withoutPublishedEvents<T extends ReplyType>(data: EventData<T>): EventData<T> {
  if (!("summary" in data)) return data;
  const { publishedEvents: _forgotten, ...summary } = data.summary;
  return { ...data, summary };
}

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
  return rows.map((row) => withoutPublishedEvents(row.envelope.data));
}

type Reply = EventOf<"user.data_exported" | "user.erased">;

export interface CustomerDataReplies {
  /** The export a service sent for a request (waits for it). */
  exported: (requestId: string) => Promise<EventEnvelope<"user.data_exported">>;
  /** The erasure summary a service sent for a request (waits for it). */
  erased: (requestId: string) => Promise<EventEnvelope<"user.erased">>;
  /** Every reply seen so far to a request: exactly one is the protocol. */
  count: (requestId: string) => number;
  close: () => Promise<void>;
}

/**
 * A queue of the test's own on `exchange`, recording every `user.data_exported` and `user.erased`
 * published there: what a service answered, as users would receive it.
 */
export async function observeCustomerDataReplies(exchange: string): Promise<CustomerDataReplies> {
  const connection = await connect(RABBITMQ_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, "topic", { durable: true });
  const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true });
  for (const type of ["user.data_exported", "user.erased"]) await channel.bindQueue(queue, exchange, type);
  const received: Reply[] = [];
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const event = parseEnvelope(JSON.parse(message.content.toString("utf8")));
      // As in `outboxRepliesTo`, without `publishedEvents`.
      if (event.type === "user.data_exported" || event.type === "user.erased")
        received.push({ ...event, data: withoutPublishedEvents(event.data) } as Reply);
    },
    { noAck: true },
  );
  const replyTo = <T extends Reply["type"]>(type: T, requestId: string) =>
    waitFor(
      () =>
        received.find(
          (event): event is Extract<Reply, { type: T }> => event.type === type && event.data.requestId === requestId,
        ),
      { what: `${type} for request ${requestId}` },
    );
  return {
    exported: (requestId) => replyTo("user.data_exported", requestId),
    erased: (requestId) => replyTo("user.erased", requestId),
    count: (requestId) => received.filter((event) => event.data.requestId === requestId).length,
    close: () => connection.close(),
  };
}
