import type { ConfirmChannel, ConsumeMessage, Options } from "amqplib";
import { isDependencyUnavailable } from "@cartograph/service-kit";
import type { Logger } from "pino";
import type { Broker } from "./broker";
import { InvalidEventError, parseEnvelope, type EventOf, type EventType } from "./catalogue";
import type { IdempotencyStore } from "./idempotency";

export const ATTEMPT_HEADER = "x-cartograph-attempt";
/** How soon an event deferred by a datastore outage is tried again. */
export const OUTAGE_RETRY_MS = 1_000;
export const ERROR_HEADER = "x-cartograph-error";
/** Why a message is in a DLQ: `invalid` (never retried) or `max-attempts`. */
export const REASON_HEADER = "x-cartograph-dead-letter-reason";

export interface ConsumeContext {
  queue: string;
  /** 1 on the first delivery, counting retries (not redeliveries of the same attempt). */
  attempt: number;
}

export interface ConsumerOptions<T extends EventType, Tx> {
  broker: Broker;
  log: Logger;
  service: string;
  purpose: string;
  eventTypes: readonly T[];
  /** Applies the event inside `tx`, which also records it as processed; throw to retry. */
  handle: (event: EventOf<T>, tx: Tx, context: ConsumeContext) => Promise<void>;
  prefetch?: number;
  maxAttempts?: number;
  /** Delay before retry n (the last one repeats). */
  retryDelaysMs?: readonly number[];
}

export interface Consumer {
  readonly queue: string;
  /** Stops taking deliveries, waits for those in flight, closes the channel. */
  stop(): Promise<void>;
}

export function queueNames(service: string, purpose: string) {
  const queue = `${service}.${purpose}`;
  return { queue, retry: `${queue}.retry`, dlq: `${queue}.dlq` };
}

/**
 * Idempotent consumer over any inbox (`store`: `postgresIdempotencyStore` from
 * `@cartograph/events/postgres`, `mongoIdempotencyStore` from `@cartograph/events/mongo`).
 * Resolves once the queue is declared, bound and consumed.
 */
export function startConsumer<T extends EventType, Tx>(
  options: ConsumerOptions<T, Tx> & { store: IdempotencyStore<Tx> },
): Promise<Consumer> {
  return consume(options, options.store);
}

const BROKER_HEADERS = new Set([
  "x-death",
  "x-first-death-exchange",
  "x-first-death-queue",
  "x-first-death-reason",
  "x-last-death-exchange",
  "x-last-death-queue",
  "x-last-death-reason",
]);

/** The same message again, with extra headers, minus those only the broker may set. */
function copyOf(
  message: ConsumeMessage,
  headers: Record<string, string | number>,
  extra: Options.Publish = {},
): Options.Publish {
  const { properties } = message;
  const kept = Object.entries(properties.headers ?? {}).filter(([name]) => !BROKER_HEADERS.has(name));
  return {
    persistent: true,
    contentType: properties.contentType,
    messageId: properties.messageId,
    type: properties.type,
    timestamp: properties.timestamp,
    headers: { ...Object.fromEntries(kept), ...headers },
    ...extra,
  };
}

function attemptOf(message: ConsumeMessage): number {
  const value: unknown = message.properties.headers?.[ATTEMPT_HEADER];
  return typeof value === "number" && Number.isInteger(value) && value >= 1 ? value : 1;
}

function errorText(error: unknown): string {
  // Headers are limited to 64 KiB in total; a message is plenty.
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}

function decode<T extends EventType>(message: ConsumeMessage, accepted: ReadonlySet<string>): EventOf<T> {
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString("utf8"));
  } catch {
    throw new InvalidEventError("message body is not JSON");
  }
  const event = parseEnvelope(body);
  if (!accepted.has(event.type)) throw new InvalidEventError(`event type "${event.type}" is not consumed here`);
  return event as EventOf<T>; // checked just above
}

/** Sends to a queue through the default exchange and waits for the broker's confirm. */
function sendConfirmed(
  channel: ConfirmChannel,
  queue: string,
  message: ConsumeMessage,
  options: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.sendToQueue(queue, message.content, options, (err: unknown) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
    );
  });
}

async function consume<T extends EventType, Tx>(
  options: ConsumerOptions<T, Tx>,
  store: IdempotencyStore<Tx>,
): Promise<Consumer> {
  const {
    broker,
    service,
    purpose,
    eventTypes,
    handle,
    prefetch = 10,
    maxAttempts = 5,
    retryDelaysMs = [1000, 5000, 15000, 30000],
  } = options;
  const names = queueNames(service, purpose);
  const log = options.log.child({ queue: names.queue });
  const accepted: ReadonlySet<string> = new Set(eventTypes);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let current: { channel: ConfirmChannel; consumerTag: string } | undefined;

  const deadLetter = (
    channel: ConfirmChannel,
    message: ConsumeMessage,
    reason: string,
    error: unknown,
    attempt: number,
  ) =>
    sendConfirmed(
      channel,
      names.dlq,
      message,
      copyOf(message, { [REASON_HEADER]: reason, [ERROR_HEADER]: errorText(error), [ATTEMPT_HEADER]: attempt }),
    );

  async function settle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const attempt = attemptOf(message);
    const meta = { messageId: message.properties.messageId, type: message.properties.type, attempt };
    let event: EventOf<T>;
    try {
      event = decode<T>(message, accepted);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      log.error({ ...meta, err: error }, "invalid message: dead-lettered");
      await deadLetter(channel, message, "invalid", error, attempt);
      return;
    }
    try {
      const applied = await store.runOnce(names.queue, event.id, (tx) =>
        handle(event, tx, { queue: names.queue, attempt }),
      );
      log.debug({ ...meta, applied }, applied ? "event applied" : "event already applied: skipped");
    } catch (error) {
      // The service's own datastore is down or restarting: not the event's fault, so it waits for
      // the store's return without spending an attempt (and is never dead-lettered for it).
      const outage = isDependencyUnavailable(error);
      if (!outage && attempt >= maxAttempts) {
        log.error({ ...meta, err: error }, "event failed on its last attempt: dead-lettered");
        await deadLetter(channel, message, "max-attempts", error, attempt);
        return;
      }
      const delay = outage ? OUTAGE_RETRY_MS : (retryDelaysMs[Math.min(attempt - 1, retryDelaysMs.length - 1)] ?? 0);
      log.warn(
        { ...meta, err: error, retryInMs: delay },
        outage ? "event deferred: a datastore is unavailable" : "event failed: will retry",
      );
      // The retry queue has no consumer: the message expires after `delay` and is dead-lettered
      // back to the main queue.
      await sendConfirmed(
        channel,
        names.retry,
        message,
        copyOf(message, { [ATTEMPT_HEADER]: outage ? attempt : attempt + 1 }, { expiration: String(delay) }),
      );
    }
  }

  function onMessage(channel: ConfirmChannel, message: ConsumeMessage): void {
    const work = settle(channel, message)
      .then(
        // Ack only now: the effect (or the copy in the retry/DLQ queue) is durable.
        () => channel.ack(message),
        (err: unknown) => {
          log.error({ err, messageId: message.properties.messageId }, "could not settle message: requeued");
          channel.nack(message, false, true);
        },
      )
      .catch((err: unknown) => {
        // The channel closed under us: the broker redelivers the message (the inbox skips it if applied).
        log.warn(
          { err, messageId: message.properties.messageId },
          "could not ack: channel closed; will be redelivered",
        );
      });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  // Runs on every (re)connect: topology is declared idempotently, then consumption restarts.
  const setup = async (channel: ConfirmChannel): Promise<void> => {
    await channel.assertQueue(names.queue, { durable: true });
    await channel.assertQueue(names.retry, {
      durable: true,
      arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": names.queue },
    });
    await channel.assertQueue(names.dlq, { durable: true });
    for (const type of eventTypes) await channel.bindQueue(names.queue, broker.exchange, type);
    if (stopping) return;
    await channel.prefetch(prefetch);
    const { consumerTag } = await channel.consume(
      names.queue,
      (message) => {
        if (message) return onMessage(channel, message);
        // The broker cancelled us (queue deleted): declare it again and resume on this channel.
        log.error("consumer cancelled by the broker; re-declaring the queue");
        if (!stopping) setup(channel).catch((err: unknown) => log.error({ err }, "could not resume consuming"));
      },
      { noAck: false },
    );
    current = { channel, consumerTag };
  };

  const brokerChannel = await broker.openChannel(`consumer ${names.queue}`, setup);
  log.info({ eventTypes }, "consuming");

  return {
    queue: names.queue,
    stop: async () => {
      stopping = true;
      try {
        if (current) await current.channel.cancel(current.consumerTag);
      } catch {
        // Already gone with its channel: nothing more will be delivered either way.
      }
      await Promise.allSettled([...inFlight]);
      try {
        await brokerChannel.close();
      } catch (err) {
        // The connection is closing or gone: so is the channel, and unacked messages return to the queue.
        log.debug({ err }, "consumer channel was already closed");
      }
    },
  };
}
