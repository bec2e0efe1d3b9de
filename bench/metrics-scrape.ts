/**
 * The cost of a Prometheus scrape: how long `/metrics` takes to answer and how large it is. Run by
 * hand (not a test); it reports figures and asserts none.
 *
 *   pnpm services:up && pnpm exec tsx bench/metrics-scrape.ts [--scrapes 200] [--rounds 3]
 *   pnpm exec tsx bench/metrics-scrape.ts --targets http://127.0.0.1:9400/metrics,http://127.0.0.1:9404/metrics
 *
 * Without --targets it starts, in this process, the products subgraph (over a fresh database)
 * and the router in front of it (the other subgraphs unreachable, so their fetches fail and
 * their circuits open), sends every trusted document of the SDK `--rounds` times, anonymously and
 * as an admin, then scrapes. One process holds both services' metrics, so the figure is an upper
 * bound for either, and it includes a subgraph's scrape-time readings (pool, outbox query, queue
 * depths: products consumes nothing). With --targets it scrapes running processes (`pnpm start`
 * serves the router on 9400 and the subgraphs on 9401 to 9407).
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { PRODUCTS_SERVICE_DIR, productsEnvSchema, productsTables, startProductsSubgraph } from "@cartograph/products";
import { routerEnvSchema, startRouter } from "@cartograph/router";
import { createLogger, parseConfig } from "@cartograph/service-kit";
import {
  RABBITMQ_URL,
  scrapeMetrics,
  startSubgraphHarness,
  TEST_ROUTER_SECRET,
  uniqueTopologyName,
} from "@cartograph/testing";

const { values: options } = parseArgs({
  options: {
    scrapes: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    targets: { type: "string" },
  },
});
const scrapes = Number(options.scrapes);

interface Figures {
  target: string;
  bytes: number;
  /** Sample lines (a histogram has one per bucket, plus its sum and count). */
  samples: number;
  families: number;
  p50: number;
  p95: number;
  max: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** Scrapes `url` one at a time, as Prometheus does (a scrape per interval per target). */
async function measure(url: string): Promise<Figures> {
  const parsed = await scrapeMetrics(url); // also proves the exposition parses
  const durations: number[] = [];
  let text = "";
  for (let i = 0; i < scrapes; i += 1) {
    const started = performance.now();
    const response = await fetch(url);
    text = await response.text();
    durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  return {
    target: url,
    bytes: Buffer.byteLength(text),
    samples: text.split("\n").filter((line) => line !== "" && !line.startsWith("#")).length,
    families: parsed.families.length,
    p50: percentile(durations, 0.5),
    p95: percentile(durations, 0.95),
    max: durations.at(-1)!,
  };
}

interface Manifest {
  operations: Array<{ id: string; name: string }>;
}

/** Products in process and a router in front of it; every trusted document sent `rounds` times. */
async function startLoadedProcess(rounds: number): Promise<{ targets: string[]; stop: () => Promise<void> }> {
  const products = await startSubgraphHarness({
    label: "bench_metrics",
    serviceDir: PRODUCTS_SERVICE_DIR,
    dbSchema: productsTables,
    parseConfig: (env) => parseConfig(productsEnvSchema, env),
    start: startProductsSubgraph,
  });
  const unreachable = "http://127.0.0.1:9/graphql";
  const router = await startRouter({
    config: parseConfig(routerEnvSchema, {
      NODE_ENV: "test",
      PORT: "0",
      METRICS_PORT: "0",
      LOG_LEVEL: "silent",
      ROUTER_SECRET: TEST_ROUTER_SECRET,
      RABBITMQ_URL,
      EVENTS_EXCHANGE: uniqueTopologyName("bench_metrics"),
      EVENTS_QUEUE_NAMESPACE: uniqueTopologyName("bench_metrics"),
      THROTTLE_MAX_POINTS: "1000000000",
      THROTTLE_RESTORE_RATE: "1000000000",
    }),
    log: createLogger("bench-router", "silent"),
    env: {
      ...Object.fromEntries(
        ["users", "inventory", "orders", "payments", "reviews", "recommendations", "notifications"].map((name) => [
          `SUBGRAPH_${name.toUpperCase()}_URL`,
          unreachable,
        ]),
      ),
      SUBGRAPH_PRODUCTS_URL: products.url,
    },
    verifier: products.tokens.verifier,
  });
  const manifest = JSON.parse(
    readFileSync(require.resolve("@cartograph/client/trusted-documents.json"), "utf8"),
  ) as Manifest;
  const admin = products.tokens.admin();
  let sent = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (const operation of manifest.operations) {
      for (const token of [null, admin]) {
        // No variables: operations that need some fail before running, which still counts them.
        await fetch(router.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ documentId: `sha256:${operation.id}` }),
        });
        sent += 1;
      }
    }
  }
  console.log(`sent ${sent} operations (${manifest.operations.length} trusted documents) through the router`);
  return {
    targets: [router.metricsUrl!],
    stop: async () => {
      await router.stop();
      await products.close();
    },
  };
}

async function main() {
  const loaded = options.targets ? null : await startLoadedProcess(Number(options.rounds));
  const targets = options.targets?.split(",").map((target) => target.trim()) ?? loaded!.targets;
  try {
    const figures: Figures[] = [];
    for (const target of targets) figures.push(await measure(target));
    console.log(`${scrapes} sequential scrapes per target:`);
    console.table(
      figures.map((f) => ({
        target: f.target,
        "size (KiB)": Math.round(f.bytes / 102.4) / 10,
        families: f.families,
        samples: f.samples,
        "p50 (ms)": Math.round(f.p50 * 100) / 100,
        "p95 (ms)": Math.round(f.p95 * 100) / 100,
        "max (ms)": Math.round(f.max * 100) / 100,
      })),
    );
  } finally {
    await loaded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
