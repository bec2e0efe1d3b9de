import type { LabelValues } from "prom-client";
import { counter, gauge } from "./registry";

/** How long a scrape waits for one reading from a datastore or the broker before going on without it. */
export const SCRAPE_READING_TIMEOUT_MS = 1_000;

/** One value of a gauge read at scrape time. */
export interface GaugeSample<L extends string> {
  labels: LabelValues<L>;
  value: number;
}

/** Something read when `/metrics` is scraped: what it measures right now. */
export type GaugeSource<L extends string> = () => Iterable<GaugeSample<L>> | Promise<Iterable<GaugeSample<L>>>;

/** A registered source; stopping it removes it (its series disappear from the next scrape). */
export interface SourceRegistration {
  stop(): Promise<void>;
}

export interface ScrapedGauge<L extends string> {
  /** Reads `source` at every scrape until the registration is stopped. */
  from(source: GaugeSource<L>): SourceRegistration;
}

const scrapedGauges = new Map<string, ScrapedGauge<string>>();

/**
 * A gauge whose value is read when scraped (a pool's connections, a queue's depth), from every
 * source registered in the process; samples with the same labels add up. A source that fails
 * contributes nothing to that scrape rather than a stale value.
 */
export function scrapedGauge<L extends string>(config: {
  name: string;
  help: string;
  labelNames?: readonly L[];
}): ScrapedGauge<L> {
  const known = scrapedGauges.get(config.name);
  if (known) return known as ScrapedGauge<L>;
  const sources = new Set<GaugeSource<L>>();
  gauge<L>({
    ...config,
    async collect() {
      const readings = await Promise.all(
        [...sources].map(async (source) => {
          try {
            return [...(await source())];
          } catch {
            return [];
          }
        }),
      );
      // Reset and set in one synchronous step, so a concurrent scrape never sees half of it.
      this.reset();
      for (const sample of readings.flat()) this.inc(sample.labels, sample.value);
    },
  });
  const scraped: ScrapedGauge<L> = {
    from(source) {
      sources.add(source);
      return {
        stop: async () => {
          sources.delete(source);
        },
      };
    },
  };
  scrapedGauges.set(config.name, scraped as ScrapedGauge<string>);
  return scraped;
}

const readingFailures = counter({
  name: "cartograph_metrics_reading_failures_total",
  help: "Scrape-time readings (outbox, queue depth) that failed or did not answer in time: their gauges were left out of that scrape.",
  labelNames: ["reading"],
});

/**
 * A reading from something that may be slow or gone (a database, the broker), for the gauges
 * read at scrape time: every caller during one scrape shares one read, a scrape waits for it at
 * most `timeoutMs` (then goes on without it), and no new read starts while one is still pending,
 * so scrapes never pile reads up behind a dead store. `reading` names it in the failure counter,
 * which counts each read that failed or came too late once.
 */
export function boundedReading<T>(
  reading: string,
  read: () => Promise<T>,
  { timeoutMs = SCRAPE_READING_TIMEOUT_MS }: { timeoutMs?: number } = {},
): () => Promise<T | undefined> {
  let pending: { value: Promise<T>; failed: boolean } | undefined;
  const fail = (attempt: { failed: boolean }) => {
    if (attempt.failed) return;
    attempt.failed = true;
    readingFailures.inc({ reading });
  };
  return async () => {
    if (!pending) {
      const attempt = { value: read(), failed: false };
      pending = attempt;
      attempt.value.then(
        () => {
          pending = undefined;
        },
        () => {
          pending = undefined;
          fail(attempt);
        },
      );
    }
    const attempt = pending;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        attempt.value,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => {
            fail(attempt);
            resolve(undefined);
          }, timeoutMs);
        }),
      ]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
}
