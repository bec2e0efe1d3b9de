import { randomUUID } from "node:crypto";
import { parseEnvelope, type EventEnvelope, type EventOf } from "@cartograph/events";
import { RABBITMQ_URL, waitFor } from "@cartograph/test-datastores";
import { connect } from "amqplib";
import { eventEnvelope } from "./events";

/** `user.data_requested` for one customer, a fresh request id each time. */
export function dataRequested(userId: string) {
  const requestId = randomUUID();
  return eventEnvelope("user.data_requested", userId, { requestId, userId, requestedAt: new Date().toISOString() });
}

/** `user.deleted` for one customer, a fresh request id each time. */
export function userDeleted(userId: string) {
  const requestId = randomUUID();
  return eventEnvelope("user.deleted", userId, { requestId, userId, deletedAt: new Date().toISOString() });
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
      if (event.type === "user.data_exported" || event.type === "user.erased") received.push(event);
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
