/**
 * What tracing costs: the storefront mix (bench/router/storefront.ts) through the platform's router
 * with tracing off, sampling 100% and sampling 10%. Tracing is set per process when it starts, so
 * each run is a fresh `pnpm start --observe` (Jaeger and Prometheus run in every configuration, so
 * the machine carries the same background), and the configurations alternate round by round.
 * Throttling is set never to bind: every shopper here comes from one address. Run by hand, with
 * nothing else on ports 4000-4007, 9400-9407 and the local view's; it asserts nothing.
 *
 *   pnpm exec tsx bench/tracing-overhead.ts [--shoppers 20] [--duration 30] [--rounds 2] [--warmup 10]
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { catalogueOf, mix } from "./router/storefront";

const { values: options } = parseArgs({
  options: {
    shoppers: { type: "string", default: "20" },
    duration: { type: "string", default: "30" },
    rounds: { type: "string", default: "2" },
    warmup: { type: "string", default: "10" },
  },
  strict: false,
});
const repoRoot = path.resolve(__dirname, "..");
const routerUrl = "http://127.0.0.1:4000/graphql";

/** Each configuration: what every process is started with besides `pnpm start --observe`'s endpoint. */
const configurations: Array<{ label: string; env: Record<string, string> }> = [
  { label: "tracing off", env: { OTEL_SDK_DISABLED: "true" } },
  { label: "sampling 100%", env: { OTEL_TRACES_SAMPLER: "parentbased_always_on" } },
  {
    label: "sampling 10%",
    env: { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" },
  },
];

async function routerAnswers(): Promise<boolean> {
  try {
    const response = await fetch(routerUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    return response.status === 200;
  } catch {
    return false;
  }
}

async function startPlatform(env: Record<string, string>): Promise<ChildProcess> {
  if (await routerAnswers()) throw new Error(`something already answers on ${routerUrl}: stop it first`);
  const platform = spawn("pnpm", ["start", "--observe"], {
    cwd: repoRoot,
    // Its own process group, so one signal reaches pnpm, the supervisor and every service.
    detached: true,
    stdio: "ignore",
    env: {
      ...process.env,
      THROTTLE_MAX_POINTS: "1000000000",
      THROTTLE_RESTORE_RATE: "1000000000",
      LOG_LEVEL: "warn",
      ...env,
    },
  });
  const deadline = Date.now() + 240_000;
  while (!(await routerAnswers())) {
    if (platform.exitCode !== null) throw new Error(`pnpm start exited with ${platform.exitCode}`);
    if (Date.now() > deadline) throw new Error("the platform did not start within 4 minutes");
    await sleep(1_000);
  }
  return platform;
}

async function stopPlatform(platform: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => platform.once("exit", resolve));
  process.kill(-platform.pid!, "SIGINT");
  const timer = setTimeout(() => process.kill(-platform.pid!, "SIGKILL"), 60_000);
  await exited;
  clearTimeout(timer);
  // Until every port is free again (the services stop after pnpm's own process may have).
  while (await routerAnswers()) await sleep(500);
  await sleep(2_000);
}

async function main(): Promise<void> {
  const results = new Map<string, Array<{ rps: number; p50: number; p95: number; errors: Record<string, number> }>>();
  for (let round = 1; round <= Number(options.rounds); round++) {
    // Alternate the order too, so no configuration always runs first.
    const order = round % 2 === 1 ? configurations : [...configurations].reverse();
    for (const configuration of order) {
      const platform = await startPlatform(configuration.env);
      try {
        const catalogue = await catalogueOf(routerUrl);
        const router = { label: configuration.label, url: routerUrl, trustedDocuments: true };
        await mix(router, catalogue, Number(options.warmup));
        const result = await mix(router, catalogue, Number(options.duration));
        (results.get(configuration.label) ?? results.set(configuration.label, []).get(configuration.label)!).push(
          result,
        );
        process.stdout.write(
          `round ${round} ${configuration.label.padEnd(14)} ${result.rps.toFixed(1)} req/s  p50 ${result.p50.toFixed(1)} ms  p95 ${result.p95.toFixed(1)} ms  errors ${JSON.stringify(result.errors)}\n`,
        );
      } finally {
        await stopPlatform(platform);
      }
    }
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const baseline = results.get(configurations[0]!.label)!;
  const baseRps = mean(baseline.map((r) => r.rps));
  const baseP95 = mean(baseline.map((r) => r.p95));
  process.stdout.write(
    `\nmeans over ${options.rounds} rounds, ${options.shoppers} shoppers, ${options.duration} s each:\n`,
  );
  for (const { label } of configurations) {
    const runs = results.get(label)!;
    const rps = mean(runs.map((r) => r.rps));
    const p95 = mean(runs.map((r) => r.p95));
    process.stdout.write(
      `  ${label.padEnd(14)} ${rps.toFixed(1)} req/s (${((rps / baseRps) * 100).toFixed(0)}% of off)  p95 ${p95.toFixed(1)} ms (${(p95 / baseP95).toFixed(2)}x off)\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
