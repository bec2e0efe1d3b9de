/**
 * The storefront mix against the running platform (`pnpm start` in another terminal): shoppers
 * browsing, opening product pages, searching, filling carts and checking out (10 : 5 : 3 : 2 : 1),
 * through Cartograph's router with its production settings and through a stock @apollo/gateway over
 * the same subgraphs, alternately. Prints req/s, p50 and p95 per router. Also the router's own
 * overhead: one single-subgraph query through the router against the same query sent to the
 * subgraph directly. Run by hand; it never asserts timings.
 *
 *   pnpm exec tsx bench/router/storefront.ts [--shoppers 20] [--duration 30] [--rounds 2]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { CartographRequestError, createCartographClient, type CartographClient } from "@cartograph/client";
import { subgraphs } from "@cartograph/scripts/subgraphs";

const { values: options } = parseArgs({
  options: {
    shoppers: { type: "string", default: "20" },
    duration: { type: "string", default: "30" },
    rounds: { type: "string", default: "2" },
    overhead: { type: "string", default: "500" },
  },
  // The soak (bench/soak.ts) imports this module with its own options.
  strict: false,
});
const repoRoot = path.resolve(__dirname, "../..");
const DEV_ROUTER_SECRET = "cartograph-dev-router-secret";
const subgraphPorts: Record<string, number> = Object.fromEntries(subgraphs.map(({ name, port }) => [name, port]));
const subgraphEnv = Object.fromEntries(
  Object.entries(subgraphPorts).map(([name, port]) => [
    `SUBGRAPH_${name.toUpperCase()}_URL`,
    `http://127.0.0.1:${port}/graphql`,
  ]),
);

interface Router {
  label: string;
  url: string;
  /** The SDK sends trusted document ids to ours, text to the stock gateway (which knows no manifest). */
  trustedDocuments: boolean;
  start: () => ChildProcess;
}

const node = (args: string[], cwd: string, env: Record<string, string>) =>
  spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });

const routers: Router[] = [
  {
    label: "cartograph (production settings)",
    url: "http://127.0.0.1:24400/graphql",
    trustedDocuments: true,
    start: () =>
      node(["src/bin/main.ts"], path.join(repoRoot, "router"), {
        NODE_ENV: "test",
        HOST: "127.0.0.1",
        PORT: "24400",
        // Beside a running platform, whose router has the default metrics port.
        METRICS_PORT: "0",
        LOG_LEVEL: "warn",
        ROUTER_SECRET: DEV_ROUTER_SECRET,
        ROUTER_CACHE: "on",
        ROUTER_DEDUP: "on",
        // One client makes every request here: throttling stays on (its cost is measured), never binding.
        THROTTLE_MAX_POINTS: "1000000000",
        THROTTLE_RESTORE_RATE: "1000000000",
        TRUSTED_DOCUMENTS: "only",
        ...subgraphEnv,
      }),
  },
  {
    label: "stock @apollo/gateway",
    url: "http://127.0.0.1:24401/",
    trustedDocuments: false,
    start: () =>
      node(
        ["router/stock-gateway.ts", path.join(repoRoot, "supergraph.graphql"), "24401", "--cartograph"],
        path.join(repoRoot, "bench"),
        {
          CARTOGRAPH_ROUTER_SECRET: DEV_ROUTER_SECRET,
          ...subgraphEnv,
        },
      ),
  },
];

async function untilAnswering(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    }).then(
      (response) => response.status < 500,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`);
    await sleep(250);
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export interface Catalogue {
  slugs: string[];
  variantIds: string[];
  searches: string[];
}

/** The demo admin `pnpm start` seeds (CARTOGRAPH_ADMIN_EMAIL / _PASSWORD when set there too). */
const DEMO_ADMIN = {
  email: process.env.CARTOGRAPH_ADMIN_EMAIL ?? "admin@cartograph.dev",
  password: process.env.CARTOGRAPH_ADMIN_PASSWORD ?? "cartograph-admin",
};
/** What every variant shoppers buy is topped up to before a run. */
const STOCK_PER_VARIANT = 10_000;

/**
 * The products shoppers visit, and the variants they buy: those of the first 60 products, each
 * topped up to STOCK_PER_VARIANT by the demo admin first, so repeated runs and a long soak never
 * run the catalogue dry (an empty list would make every add-to-cart a malformed request).
 */
export async function catalogueOf(url: string): Promise<Catalogue> {
  const client = createCartographClient({ url, trustedDocuments: false });
  const slugs: string[] = [];
  let after: string | null = null;
  do {
    const { products }: Awaited<ReturnType<CartographClient["ProductListing"]>> = await client.ProductListing({
      first: 100,
      after,
    });
    slugs.push(...products.nodes.map((node) => node.slug));
    after = products.pageInfo.hasNextPage ? products.pageInfo.endCursor : null;
  } while (after);
  const { login } = await client.Login(DEMO_ADMIN);
  const admin = createCartographClient({ url, accessToken: login.accessToken, trustedDocuments: false });
  const variantIds: string[] = [];
  for (const slug of slugs.slice(0, 60)) {
    for (const variant of (await admin.VariantStock({ slug })).product?.variants ?? []) {
      const { setStock } = await admin.SetStock({ variantId: variant.id, onHand: STOCK_PER_VARIANT });
      if (setStock.userErrors.length > 0)
        throw new Error(`restocking ${variant.sku}: ${setStock.userErrors[0]!.message}`);
      variantIds.push(variant.id);
    }
  }
  if (variantIds.length === 0) throw new Error("the first 60 products have no variants to buy");
  return { slugs, variantIds, searches: ["chair", "lamp", "desk", "mug", "jacket", "tent", "kettle", "oak"] };
}

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;

/** A shopper signed up for the run (each shopper has their own cart). */
export async function registeredShopper(url: string, trustedDocuments: boolean): Promise<CartographClient> {
  const anonymous = createCartographClient({ url, trustedDocuments });
  const { register } = await anonymous.Register({
    input: { email: `mix-${randomUUID()}@example.test`, password: "password123", name: "Mix" },
  });
  return createCartographClient({ url, accessToken: register.accessToken, trustedDocuments });
}

/**
 * One step of the storefront mix, drawn at random: browse 10, product page 5, search 3, add to
 * cart and read it 2, check out 1.
 */
export async function storefrontStep(client: CartographClient, catalogue: Catalogue): Promise<void> {
  const roll = Math.random() * 21;
  if (roll < 10)
    await client.ProductListing({
      first: 20,
      sort: { field: pick(["NAME", "PRICE", "CREATED_AT"] as const), direction: "ASC" },
    });
  else if (roll < 15) await client.ProductPage({ slug: pick(catalogue.slugs) });
  else if (roll < 18) await client.ProductListing({ first: 20, filter: { search: pick(catalogue.searches) } });
  else if (roll < 20) {
    await client.CartAddLine({ variantId: pick(catalogue.variantIds), quantity: 1 });
    await client.MyCart();
  } else
    await client.Checkout({
      input: {
        idempotencyKey: randomUUID(),
        paymentToken: "tok_visa",
        shippingAddress: { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
      },
    });
}

/** What a timed run saw: every step's latency, and failures by error code. */
export class StepRecorder {
  readonly latencies: number[] = [];
  readonly errors = new Map<string, number>();

  async time(call: () => Promise<unknown>): Promise<void> {
    const started = performance.now();
    try {
      await call();
    } catch (error) {
      const code = error instanceof CartographRequestError ? error.codes.join("+") : "NETWORK";
      this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    }
    this.latencies.push(performance.now() - started);
  }

  summary(seconds: number) {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      rps: sorted.length / seconds,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      requests: sorted.length,
      errors: Object.fromEntries(this.errors),
    };
  }
}

export async function mix(
  router: Pick<Router, "label" | "url" | "trustedDocuments">,
  catalogue: Catalogue,
  seconds: number,
  shoppers = Number(options.shoppers),
) {
  const recorder = new StepRecorder();
  const deadline = performance.now() + seconds * 1000;
  const shopper = async () => {
    const client = await registeredShopper(router.url, router.trustedDocuments);
    while (performance.now() < deadline) await recorder.time(() => storefrontStep(client, catalogue));
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: shoppers }, shopper));
  return { label: router.label, ...recorder.summary((performance.now() - started) / 1000) };
}

/** One single-subgraph query, sequentially, through the router and straight to the subgraph. */
async function overhead(router: Router): Promise<{ throughRouter: number; direct: number }> {
  // A private field (never cached) of one subgraph: the router's own work is measured, not its cache.
  const query = () => JSON.stringify({ query: "{ me { id name } }" });
  const once = async (url: string, headers: Record<string, string>) => {
    const started = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: query(),
    });
    await response.text();
    return performance.now() - started;
  };
  // Interleaved, so both see the same machine (the mix's last events may still be settling).
  const direct: number[] = [];
  const routed: number[] = [];
  for (let i = 0; i < Number(options.overhead); i++) {
    direct.push(
      await once(`http://127.0.0.1:${subgraphPorts.users}/graphql`, {
        "x-cartograph-router-secret": DEV_ROUTER_SECRET,
      }),
    );
    routed.push(await once(router.url, {}));
  }
  const median = (samples: number[]) =>
    percentile(
      samples.sort((x, y) => x - y),
      50,
    );
  return { throughRouter: median(routed), direct: median(direct) };
}

async function main(): Promise<void> {
  const catalogue = await catalogueOf("http://127.0.0.1:4000/graphql");
  process.stdout.write(
    `storefront mix: ${options.shoppers} shoppers, ${options.duration} s per run, ${options.rounds} round(s), ${catalogue.slugs.length} products\n`,
  );
  const results: Array<Awaited<ReturnType<typeof mix>>> = [];
  for (let round = 0; round < Number(options.rounds); round++) {
    for (const router of round % 2 === 0 ? routers : [...routers].reverse()) {
      const child = router.start();
      try {
        await untilAnswering(router.url);
        await mix(router, catalogue, 5); // warm-up
        const result = await mix(router, catalogue, Number(options.duration));
        results.push(result);
        process.stdout.write(
          `  ${result.label.padEnd(34)} ${result.rps.toFixed(1).padStart(7)} req/s  p50 ${result.p50.toFixed(1)} ms  p95 ${result.p95.toFixed(1)} ms  ${result.requests} requests  errors ${JSON.stringify(result.errors)}\n`,
        );
        if (router === routers[0] && round === 0) {
          const { throughRouter, direct } = await overhead(router);
          process.stdout.write(
            `  router overhead: p50 ${throughRouter.toFixed(2)} ms through the router vs ${direct.toFixed(2)} ms straight to users: ${throughRouter >= direct ? "+" : ""}${(throughRouter - direct).toFixed(2)} ms\n`,
          );
        }
      } finally {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    }
  }
}

if (require.main === module) void main();
