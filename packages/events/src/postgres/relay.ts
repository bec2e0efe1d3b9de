import { databaseOf } from "@cartograph/service-kit/db";
import { boundedReading, scrapedGauge } from "@cartograph/service-kit/metrics";
import type pg from "pg";
import type { Logger } from "pino";
import type { Broker } from "../broker";
import type { EventEnvelope } from "../catalogue";
import { listenForNotifications } from "./listener";
import { OUTBOX_CHANNEL } from "./outbox";

export interface OutboxRelayOptions {
  pool: pg.Pool;
  broker: Broker;
  log: Logger;
  batchSize?: number;
  /** Fallback poll; notifications wake the relay sooner. */
  pollIntervalMs?: number;
  /** Cap of the back-off after a batch with failed publishes. */
  maxBackoffMs?: number;
}

export interface OutboxRelay {
  /** Publishes one batch now (after any batch in flight); resolves to the number published. */
  flushOnce(): Promise<number>;
  /** Finishes the batch in flight, then stops polling and listening. */
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  /** As `enqueueEvent` wrote it, validated then. */
  envelope: EventEnvelope;
}

interface BatchResult {
  published: number;
  failed: number;
  full: boolean;
}

// SKIP LOCKED: concurrent relays (replicas) each take a different batch instead of waiting on,
// and then re-publishing, the same rows.
const SELECT_BATCH = `
  select id, envelope from outbox_events
  where published_at is null
  order by occurred_at, id
  limit $1
  for update skip locked`;
const MARK_PUBLISHED = `update outbox_events set published_at = now() where id = any($1::uuid[])`;
const RECORD_FAILURES = `
  update outbox_events o set publish_attempts = o.publish_attempts + 1, last_error = f.error
  from unnest($1::uuid[], $2::text[]) as f(id, error) where o.id = f.id`;

const unpublishedEvents = scrapedGauge({
  name: "cartograph_outbox_unpublished_events",
  help: "Events in the outbox not yet published (counted up to 100000), read at scrape time.",
  labelNames: ["database"],
});
const oldestUnpublishedAge = scrapedGauge({
  name: "cartograph_outbox_oldest_unpublished_age_seconds",
  help: "Age of the oldest event not yet published (0: none), read at scrape time.",
  labelNames: ["database"],
});

// Both through the partial index on unpublished rows; the count stops at a cap so a huge backlog
// still costs a bounded scan.
const MEASURE_BACKLOG = `
  select
    (select count(*) from (select 1 from outbox_events where published_at is null limit 100000) as capped)::int
      as unpublished,
    greatest(0, coalesce(extract(epoch from now() - (
      select min(occurred_at) from outbox_events where published_at is null)), 0))::float8
      as oldest_age_seconds`;

function errorText(reason: unknown): string {
  return (reason instanceof Error ? reason.message : String(reason)).slice(0, 2000);
}

/**
 * Publishes the transactional outbox to RabbitMQ, oldest first, with publisher confirms. A row
 * is marked published only after its confirm, in the transaction that locked it, so a crash in
 * between republishes it later (consumers are idempotent); a failed publish is recorded and
 * retried after a back-off, never dropped.
 */
export function startOutboxRelay({
  pool,
  broker,
  log,
  batchSize = 100,
  pollIntervalMs = 1000,
  maxBackoffMs = 30_000,
}: OutboxRelayOptions): OutboxRelay {
  async function publishBatch(): Promise<BatchResult> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("begin");
      const { rows } = await client.query<OutboxRow>(SELECT_BATCH, [batchSize]);
      // Published concurrently but queued in order on one channel, so the wire order is kept.
      // Each in its producer span, parented by the request or event the envelope was created in.
      const results = await Promise.allSettled(rows.map((row) => broker.publishEvent(row.envelope)));
      const published: string[] = [];
      const failed: { id: string; error: string }[] = [];
      results.forEach((result, i) => {
        const { id } = rows[i]!;
        if (result.status === "fulfilled") published.push(id);
        else failed.push({ id, error: errorText(result.reason) });
      });
      if (published.length) await client.query(MARK_PUBLISHED, [published]);
      if (failed.length) {
        await client.query(RECORD_FAILURES, [failed.map((f) => f.id), failed.map((f) => f.error)]);
        log.warn(
          { failed: failed.length, error: failed[0]!.error },
          "outbox: some events could not be published; will retry",
        );
      }
      await client.query("commit");
      if (published.length) log.debug({ published: published.length }, "outbox: published");
      return { published: published.length, failed: failed.length, full: rows.length === batchSize };
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      // A client whose query failed may be unusable: destroy it rather than pool it.
      client.release(broken);
    }
  }

  // One batch at a time per relay; replicas are kept apart by SKIP LOCKED.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };

  let stopped = false;
  let notified = false;
  let backoffMs = 0;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const listener = listenForNotifications(pool.options, OUTBOX_CHANNEL, log, () => {
    notified = true;
    // While backing off (broker down) a notification must not cut the back-off short.
    if (backoffMs === 0) wake?.();
  });

  async function loop(): Promise<void> {
    while (!stopped) {
      notified = false;
      let result: BatchResult | undefined;
      try {
        result = await exclusive(publishBatch);
      } catch (err) {
        log.error({ err }, "outbox: relay batch failed");
      }
      if (!result || result.failed > 0) {
        backoffMs = Math.min(Math.max(backoffMs * 2, 500), maxBackoffMs);
      } else {
        backoffMs = 0;
        // More waiting (a full batch), or something was enqueued while we worked.
        if (result.full || notified) continue;
      }
      if (stopped) break;
      await sleep(backoffMs || pollIntervalMs);
      clearTimeout(timer);
      wake = undefined;
    }
  }

  const running = loop();

  const database = databaseOf(pool);
  const backlog = boundedReading("outbox", async () => {
    const { rows } = await pool.query<{ unpublished: number; oldest_age_seconds: number }>(MEASURE_BACKLOG);
    return rows[0];
  });
  const measured = [
    unpublishedEvents.from(async () => {
      const read = await backlog();
      return read ? [{ labels: { database }, value: read.unpublished }] : [];
    }),
    oldestUnpublishedAge.from(async () => {
      const read = await backlog();
      return read ? [{ labels: { database }, value: read.oldest_age_seconds }] : [];
    }),
  ];

  return {
    flushOnce: () => exclusive(publishBatch).then((result) => result.published),
    stop: async () => {
      stopped = true;
      await Promise.all(measured.map((registration) => registration.stop()));
      clearTimeout(timer);
      wake?.();
      await running;
      await tail;
      await listener.close();
    },
  };
}
