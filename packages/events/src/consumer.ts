import type { ConfirmChannel, ConsumeMessage, Options } from "amqplib";
import { isDependencyUnavailable } from "@cartograph/service-kit";
import { boundedReading, counter, histogram, scrapedGauge, secondsSince } from "@cartograph/service-kit/metrics";
import type { Logger } from "pino";
import type { Broker } from "./broker";
import { InvalidEventError, parseEnvelope, type EventOf, type EventType } from "./catalogue";
import type { IdempotencyStore } from "./idempotency";
import { processTraced, recordFailure } from "./tracing";

export const ATTEMPT_HEADER = "x-cartograph-attempt";
/** How soon an event deferred by a datastore outage is tried again. */
export const OUTAGE_RETRY_MS = 1_000;
export const ERROR_HEADER = "x-cartograph-error";
/** Why a message is in a DLQ: `invalid` (never retried) or `max-attempts`. */
export const REASON_HEADER = "x-cartograph-dead-letter-reason";

// Per queue (`<owner>.<purpose>`: a handful per service), never per event.
const eventsConsumed = counter({
  name: "cartograph_events_consumed_total",
  help: "Events a consumer took: `applied`, or `duplicate` (already applied, skipped by the inbox).",
  labelNames: ["queue", "outcome"],
});
const eventsRetried = counter({
  name: "cartograph_events_retried_total",
  help: "Events sent to be tried again: `failed` (the handler threw; an attempt spent), `outage` (a datastore was unavailable; none spent), `requeued` (could not be settled; the broker redelivers).",
  labelNames: ["queue", "reason"],
});
const eventsDeadLettered = counter({
  name: "cartograph_events_dead_lettered_total",
  help: "Events moved to the queue's DLQ: `invalid` (at once) or `max-attempts`.",
  labelNames: ["queue", "reason"],
});
const handlingDuration = histogram({
  name: "cartograph_event_handling_duration_seconds",
  help: "Time a consumer took to settle a delivery: apply it, or copy it to the retry queue or the DLQ.",
  labelNames: ["queue"],
});
const queueMessages = scrapedGauge({
  name: "cartograph_events_queue_messages",
  help: "Messages waiting in a consumer's queue (its lag), its .retry and its .dlq, read from the broker at scrape time.",
  labelNames: ["queue"],
});

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
      eventsDeadLettered.inc({ queue: names.queue, reason: "invalid" });
      return;
    }
    // The rest in the event's CONSUMER span, the child of the span that published it, so what the
    // handler does (queries, the events it enqueues, log lines) joins the event's trace.
    await processTraced(event, { exchange: broker.exchange, queue: names.queue, attempt }, () =>
      apply(channel, message, event, attempt, meta),
    );
  }

  /** Applies a decoded event once (the inbox skips a repeat), or sends it to be retried or dead-lettered. */
  async function apply(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    event: EventOf<T>,
    attempt: number,
    meta: Record<string, unknown>,
  ): Promise<void> {
    try {
      const applied = await store.runOnce(names.queue, event.id, (tx) =>
        handle(event, tx, { queue: names.queue, attempt }),
      );
      log.debug({ ...meta, applied }, applied ? "event applied" : "event already applied: skipped");
      eventsConsumed.inc({ queue: names.queue, outcome: applied ? "applied" : "duplicate" });
    } catch (error) {
      recordFailure(error);
      // The service's own datastore is down or restarting: not the event's fault, so it waits for
      // the store's return without spending an attempt (and is never dead-lettered for it).
      const outage = isDependencyUnavailable(error);
      if (!outage && attempt >= maxAttempts) {
        log.error({ ...meta, err: error }, "event failed on its last attempt: dead-lettered");
        await deadLetter(channel, message, "max-attempts", error, attempt);
        eventsDeadLettered.inc({ queue: names.queue, reason: "max-attempts" });
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
      eventsRetried.inc({ queue: names.queue, reason: outage ? "outage" : "failed" });
    }
  }

  function onMessage(channel: ConfirmChannel, message: ConsumeMessage): void {
    const started = process.hrtime.bigint();
    const work = settle(channel, message)
      .finally(() => handlingDuration.observe({ queue: names.queue }, secondsSince(started)))
      .then(
        // Ack only now: the effect (or the copy in the retry/DLQ queue) is durable.
        () => channel.ack(message),
        (err: unknown) => {
          log.error({ err, messageId: message.properties.messageId }, "could not settle message: requeued");
          channel.nack(message, false, true);
          eventsRetried.inc({ queue: names.queue, reason: "requeued" });
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

  // The queues, declared idempotently; each answer carries the queue's depth.
  const declareQueues = async (channel: ConfirmChannel) => [
    await channel.assertQueue(names.queue, { durable: true }),
    await channel.assertQueue(names.retry, {
      durable: true,
      arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": names.queue },
    }),
    await channel.assertQueue(names.dlq, { durable: true }),
  ];

  // Runs on every (re)connect: topology is declared idempotently, then consumption restarts.
  const setup = async (channel: ConfirmChannel): Promise<void> => {
    await declareQueues(channel);
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
  // Declaring (with the consumer's own arguments) rather than checking: a check of a missing
  // queue would close the channel, and declaring is what the consumer does anyway.
  const depths = boundedReading("queue_depth", async () => {
    if (!current) throw new Error("not consuming");
    return declareQueues(current.channel);
  });
  const depthMetrics = queueMessages.from(async () =>
    ((await depths()) ?? []).map(({ queue, messageCount }) => ({ labels: { queue }, value: messageCount })),
  );

  return {
    queue: names.queue,
    stop: async () => {
      stopping = true;
      await depthMetrics.stop();
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
