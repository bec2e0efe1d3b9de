/**
 * `pnpm bench:router`: Cartograph's router against stock `@apollo/gateway` on the Hive gateways
 * benchmark (its four subgraphs, its one nested query, about 88 KB of response). Both run as one
 * process each, over the same supergraph and the same subgraphs, measured alternately with a
 * bounded load (autocannon); every response is checked against the expected one. Two labelled
 * configurations of ours: caches and dedup off, and on. Prints req/s, p50 and p99 and the ratios.
 *
 *   pnpm bench:router [--duration 20] [--rounds 2] [--connections 20] [--only off|on] [--cpu-prof]
 *
 * `--cpu-prof` runs each router under V8's profiler and prints where each spent its own time
 * (the profiles stay in the directory it names, for Chrome DevTools).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { composeHiveSupergraph } from "./hive/compose";
import { hiveSubgraphNames } from "./hive/subgraphs";

const benchDir = path.resolve(__dirname, "..");
const repoRoot = path.resolve(benchDir, "..");
const hiveDir = path.join(__dirname, "hive");

const { values: options } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    rounds: { type: "string", default: "2" },
    connections: { type: "string", default: "20" },
    warmup: { type: "string", default: "5" },
    only: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
  },
});
const profileDir = options["cpu-prof"] ? mkdtempSync(path.join(tmpdir(), "router-profiles-")) : undefined;

interface Contender {
  label: string;
  start: (supergraph: string, port: number) => ChildProcess;
  path: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

const node = (args: string[], cwd: string, env: Record<string, string> = {}, profiled = false) =>
  spawn(
    process.execPath,
    [...(profiled && profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), "--import", "tsx", ...args],
    {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );

const THROTTLE_EXTENSIONS = /,"extensions":\{"cost":\{[^{}]*\{[^{}]*\}\}\}\}$/;

/** Our router with production settings; the benchmark's deep query needs its limits raised. */
const ours = (cache: "on" | "off"): Contender => ({
  label: `cartograph (caches and dedup ${cache})`,
  path: "/graphql",
  start: (supergraph, port) =>
    node(
      ["src/bin/main.ts"],
      path.join(repoRoot, "router"),
      {
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(port),
        METRICS_PORT: "0",
        LOG_LEVEL: "warn",
        SUPERGRAPH_PATH: supergraph,
        ROUTER_SECRET: "bench-router-secret-not-for-production",
        ROUTER_CACHE: cache,
        ROUTER_DEDUP: cache,
        // One client makes every request here: throttling stays on (its cost is measured), never binding.
        THROTTLE_MAX_POINTS: "1000000000",
        THROTTLE_RESTORE_RATE: "1000000000",
        MAX_QUERY_DEPTH: "50",
        MAX_QUERY_COST: "10000000",
        MAX_TOKENS: "100000",
      },
      true,
    ),
});

const stock: Contender = {
  label: "stock @apollo/gateway",
  path: "/",
  start: (supergraph, port) => node(["router/stock-gateway.ts", supergraph, String(port)], benchDir, {}, true),
};

async function waitUntilAnswering(url: string, body: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    const ok = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`);
    await sleep(200);
  }
}

interface Measurement {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  responses: number;
  wrong: number;
  errors: number;
}

async function measure(contender: Contender, supergraph: string, body: string, expected: string): Promise<Measurement> {
  const port = await freePort();
  const child = contender.start(supergraph, port);
  profiledRuns.push({ label: contender.label, pid: child.pid! });
  const url = `http://127.0.0.1:${port}${contender.path}`;
  try {
    await waitUntilAnswering(url, body, child);
    const load = (seconds: number, check: boolean) => {
      let wrong = 0;
      let responses = 0;
      const run = autocannon({
        url,
        connections: Number(options.connections),
        duration: seconds,
        requests: [
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
            // Every response, whole, against the expected one (autocannon keeps the body for this).
            onResponse: check
              ? (_status: number, received: string) => {
                  responses += 1;
                  // Our router adds what the request cost (extensions.cost, last in the body).
                  if (received.trim().replace(THROTTLE_EXTENSIONS, "}") !== expected) wrong += 1;
                }
              : undefined,
          },
        ],
      });
      return run.then((result) => ({ result, wrong, responses }));
    };
    await load(Number(options.warmup), false);
    const { result, wrong, responses } = await load(Number(options.duration), true);
    return {
      label: contender.label,
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      responses,
      wrong,
      errors: result.errors + result.non2xx + result.timeouts,
    };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

/** Which router each process was, to name its profile (V8 names the file by pid). */
const profiledRuns: Array<{ label: string; pid: number }> = [];

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** The functions a V8 CPU profile spent most of its own time in, with their share of all samples. */
function topSelfTime(file: string, count = 12): string[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const frameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const frame = frameOf.get(id)!;
    const where = frame.url
      .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
      .replace(/^file:\/\/.*?\/work\/[^/]+\//, "");
    const key = `${frame.functionName || "(anonymous)"} ${where ? `${where}:${frame.lineNumber + 1}` : ""}`.trim();
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, micros]) => `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

async function main(): Promise<void> {
  const firstPort = 24_201;
  const names = hiveSubgraphNames();
  const subgraphs = node(["router/hive/subgraphs.ts", "all", String(firstPort)], benchDir);
  const supergraph = path.join(mkdtempSync(path.join(tmpdir(), "hive-")), "supergraph.graphql");
  writeFileSync(
    supergraph,
    composeHiveSupergraph((name) => `http://127.0.0.1:${firstPort + names.indexOf(name)}/graphql`),
  );
  const body = JSON.stringify({ query: readFileSync(path.join(hiveDir, "query.graphql"), "utf8") });
  const expected = readFileSync(path.join(hiveDir, "expected-response.json"), "utf8").trim();
  const configurations = (["off", "on"] as const).filter((c) => !options.only || options.only === c);
  const rounds = Number(options.rounds);
  process.stdout.write(
    `Hive workload, ${options.connections} connections, ${options.duration} s per run after ${options.warmup} s of warm-up, ${rounds} round(s), alternating\n`,
  );
  try {
    for (const cache of configurations) {
      const contenders = [stock, ours(cache)];
      const runs: Measurement[] = [];
      for (let round = 0; round < rounds; round++) {
        for (const contender of round % 2 === 0 ? contenders : [...contenders].reverse()) {
          const run = await measure(contender, supergraph, body, expected);
          runs.push(run);
          process.stdout.write(
            `  ${run.label.padEnd(40)} ${run.requestsPerSecond.toFixed(1).padStart(8)} req/s  p50 ${run.p50} ms  p99 ${run.p99} ms  ${run.responses} responses, ${run.wrong} wrong, ${run.errors} errors\n`,
          );
        }
      }
      const of = (label: string) => runs.filter((run) => run.label === label);
      const [base, candidate] = [of(stock.label), of(ours(cache).label)];
      const ratio = mean(candidate.map((r) => r.requestsPerSecond)) / mean(base.map((r) => r.requestsPerSecond));
      process.stdout.write(
        `caches and dedup ${cache}: ours ${mean(candidate.map((r) => r.requestsPerSecond)).toFixed(1)} req/s (p50 ${mean(candidate.map((r) => r.p50)).toFixed(1)} ms, p99 ${mean(candidate.map((r) => r.p99)).toFixed(1)} ms) vs stock ${mean(base.map((r) => r.requestsPerSecond)).toFixed(1)} req/s (p50 ${mean(base.map((r) => r.p50)).toFixed(1)} ms, p99 ${mean(base.map((r) => r.p99)).toFixed(1)} ms): ${ratio.toFixed(2)}x\n`,
      );
      const wrong = runs.reduce((sum, run) => sum + run.wrong + run.errors, 0);
      if (wrong > 0) {
        process.stdout.write(
          `  ${wrong} responses differed from the expected one or failed: the figures above do not count\n`,
        );
        process.exitCode = 1;
      }
    }
  } finally {
    subgraphs.kill("SIGTERM");
  }
  if (profileDir) {
    const files = readdirSync(profileDir);
    for (const { label, pid } of profiledRuns) {
      const file = files.find((name) => name.includes(`.${pid}.`));
      if (!file) continue;
      const where = path.join(profileDir, file);
      process.stdout.write(`\nself time of ${label} (${where}):\n${topSelfTime(where).join("\n")}\n`);
    }
  }
}

void main();
