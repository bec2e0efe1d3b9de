/**
 * The figures docs/scaling.md's capacity model is built from. Run by hand; never asserts timings.
 *
 * cost: what one storefront request costs each process, in CPU time. The storefront mix
 * (bench/router/storefront.ts) runs through a running platform for a while, and the CPU time of
 * each process tree listening on a known port (the router, every subgraph, PostgreSQL, RabbitMQ,
 * FerretDB) is read from /proc before and after: requests per CPU-second is what one core of that
 * process serves. Start the platform with throttling that never binds (every shopper here comes
 * from one address): THROTTLE_MAX_POINTS=1000000000 THROTTLE_RESTORE_RATE=1000000000 pnpm start
 *
 *   pnpm exec tsx bench/capacity.ts cost [--url http://127.0.0.1:4000/graphql] [--shoppers 16] [--duration 60]
 *
 * rates: the same mix as open-loop arrivals at increasing rates (a step starts every 1/rate
 * seconds whether or not earlier ones have finished, as independent shoppers do), reporting what
 * was served and its latency at each rate. With --scale, each rate is run with each replica count
 * of the named Deployments of the local cluster (`pnpm k8s:deploy`, `pnpm k8s:forward`),
 * alternating the order between rounds; their autoscalers are pinned for the run and restored.
 *
 *   pnpm exec tsx bench/capacity.ts rates --url http://127.0.0.1:14000/graphql --rates 10,20,40 \
 *     [--duration 30] [--scale router,products --replicas 1,2] [--rounds 2]
 */
import { execFile, execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import type { CartographClient } from "@cartograph/client";
import { routerPorts, subgraphs } from "@cartograph/scripts/subgraphs";
import { catalogueOf, registeredShopper, StepRecorder, storefrontStep } from "./router/storefront";

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: "http://127.0.0.1:4000/graphql" },
    shoppers: { type: "string", default: "16" },
    duration: { type: "string", default: "60" },
    rates: { type: "string", default: "5,10,20,40" },
    scale: { type: "string" },
    replicas: { type: "string", default: "1,2" },
    rounds: { type: "string", default: "2" },
    inflight: { type: "string", default: "256" },
  },
  strict: false,
});
const url = String(options.url);
const duration = Number(options.duration);

/** The platform's processes as `pnpm start` runs them, by the port each listens on (router and subgraphs in port order). */
const PROCESSES: Record<string, number> = {
  router: routerPorts.port,
  ...Object.fromEntries(
    [...subgraphs].sort((a, b) => a.port - b.port).map((subgraph) => [subgraph.name, subgraph.port]),
  ),
  postgresql: 5432,
  rabbitmq: 5672,
  ferretdb: 27017,
};
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** pid -> [parent pid, CPU ticks of itself and its reaped children]. */
function processTable(): Map<number, [number, number]> {
  const table = new Map<number, [number, number]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // The command name may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    table.set(Number(entry), [Number(fields[1]), ticks]);
  }
  return table;
}

/** The pids holding a listening socket on each port (ss reports them for sockets shared by forks too). */
function listeners(): Map<number, number[]> {
  const byPort = new Map<number, number[]>();
  const output = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  for (const line of output.split("\n")) {
    const port = Number(/:(\d+)\s/.exec(line)?.[1]);
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
    if (pids.length > 0) byPort.set(port, [...(byPort.get(port) ?? []), ...pids]);
  }
  return byPort;
}

/** A PostgreSQL backend's database, from the process title it sets ("postgres: user db host state"). */
function postgresDatabase(pid: number): string | undefined {
  try {
    return /^postgres: \S+ (\S+) (?:\S+\(\d+\)|\[local\]) /.exec(readFileSync(`/proc/${pid}/cmdline`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of each known process tree (its listeners and all their descendants), and of
 * PostgreSQL's backends per database as `postgresql/<db>` (a backend that ends during the run
 * takes its share with it: pools keep theirs open).
 */
function cpuSeconds(): Record<string, number> {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, [parent]] of table) children.set(parent, [...(children.get(parent) ?? []), pid]);
  const ports = listeners();
  const seconds: Record<string, number> = {};
  for (const [name, port] of Object.entries(PROCESSES)) {
    const roots = ports.get(port);
    if (!roots) continue;
    const seen = new Set<number>();
    const queue = [...roots];
    while (queue.length > 0) {
      const pid = queue.pop()!;
      if (seen.has(pid)) continue;
      seen.add(pid);
      queue.push(...(children.get(pid) ?? []));
    }
    seconds[name] = [...seen].reduce((sum, pid) => sum + (table.get(pid)?.[1] ?? 0), 0) / TICKS_PER_SECOND;
    if (name !== "postgresql") continue;
    for (const pid of seen) {
      const database = postgresDatabase(pid);
      if (database)
        seconds[`postgresql/${database}`] =
          (seconds[`postgresql/${database}`] ?? 0) + table.get(pid)![1] / TICKS_PER_SECOND;
    }
  }
  return seconds;
}

async function shoppers(count: number): Promise<CartographClient[]> {
  const clients: CartographClient[] = [];
  // Sequentially: signing up hashes a password, which would otherwise be what is measured.
  for (let i = 0; i < count; i++) clients.push(await registeredShopper(url, true));
  return clients;
}

async function cost(): Promise<void> {
  const catalogue = await catalogueOf(url);
  const clients = await shoppers(Number(options.shoppers));
  const warmUp = performance.now() + 5_000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < warmUp) await storefrontStep(client, catalogue).catch(() => undefined);
    }),
  );
  const recorder = new StepRecorder();
  const before = cpuSeconds();
  const started = performance.now();
  const deadline = started + duration * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) await recorder.time(() => storefrontStep(client, catalogue));
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  // The saga and events finish a moment after the last answer: their work belongs to this run.
  await sleep(2_000);
  const after = cpuSeconds();
  const run = recorder.summary(elapsed);
  process.stdout.write(
    `storefront mix, ${clients.length} shoppers, ${elapsed.toFixed(0)} s: ${run.requests} steps, ${run.rps.toFixed(1)} steps/s, p50 ${run.p50.toFixed(1)} ms, p95 ${run.p95.toFixed(1)} ms, errors ${JSON.stringify(run.errors)}\n`,
  );
  const spent = Object.keys(after).map((name) => [name, after[name]! - (before[name] ?? 0)] as const);
  const total = spent.filter(([name]) => !name.includes("/")).reduce((sum, [, seconds]) => sum + seconds, 0);
  process.stdout.write(
    `${"process".padEnd(24)} ${"CPU s".padStart(7)} ${"share".padStart(6)} ${"cores busy".padStart(10)} ${"steps per CPU-s".padStart(16)}\n`,
  );
  // Each process by its cost; PostgreSQL's databases (part of its row) after it.
  const rows = spent.filter(([name]) => !name.includes("/")).sort((a, b) => b[1] - a[1]);
  const databases = spent.filter(([name]) => name.includes("/")).sort((a, b) => b[1] - a[1]);
  const ordered = rows.flatMap((row) =>
    row[0] === "postgresql" ? [row, ...databases.filter(([, s]) => s >= 0.05)] : [row],
  );
  for (const [name, seconds] of ordered) {
    process.stdout.write(
      `${(name.includes("/") ? `  ${name}` : name).padEnd(24)} ${seconds.toFixed(1).padStart(7)} ${`${((100 * seconds) / total).toFixed(0)}%`.padStart(6)} ${(seconds / elapsed).toFixed(2).padStart(10)} ${(seconds > 0 ? run.requests / seconds : Number.POSITIVE_INFINITY).toFixed(0).padStart(16)}\n`,
    );
  }
  process.stdout.write(
    `${"all".padEnd(24)} ${total.toFixed(1).padStart(7)} ${"100%".padStart(6)} ${(total / elapsed).toFixed(2).padStart(10)} ${(run.requests / total).toFixed(0).padStart(16)}\n`,
  );
}

const kubectlScript = path.join(__dirname, "..", "scripts", "k8s", "cluster", "kubectl.sh");
const run = promisify(execFile);
const kubectl = async (...args: string[]) =>
  (await run("bash", [kubectlScript, "-n", "cartograph", ...args], { maxBuffer: 8 * 1024 * 1024 })).stdout.trim();

/** Pins each Deployment (and its autoscaler) to `replicas` and waits for the rollout. */
async function scaleTo(deployments: string[], replicas: number): Promise<void> {
  for (const name of deployments) {
    const pinned = JSON.stringify({ spec: { minReplicas: replicas, maxReplicas: replicas } });
    await kubectl("patch", "hpa", name, "--type=merge", "-p", pinned);
    await kubectl("scale", `deployment/${name}`, `--replicas=${replicas}`);
  }
  for (const name of deployments) await kubectl("rollout", "status", `deployment/${name}`, "--timeout=300s");
}

/** One rate for `seconds`: steps started on a fixed schedule, each by a random shopper. */
async function openLoop(clients: CartographClient[], catalogue: Awaited<ReturnType<typeof catalogueOf>>, rate: number) {
  const recorder = new StepRecorder();
  const limit = Number(options.inflight);
  const pending = new Set<Promise<void>>();
  let shed = 0;
  const started = performance.now();
  for (let i = 0; ; i++) {
    const due = started + (i * 1000) / rate;
    if (due > started + duration * 1000) break;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (pending.size >= limit) {
      shed++; // the platform is this far behind: counting, not queueing, keeps the schedule honest
      continue;
    }
    const client = clients[i % clients.length]!;
    const step = recorder.time(() => storefrontStep(client, catalogue)).finally(() => pending.delete(step));
    pending.add(step);
  }
  await Promise.all(pending);
  return { ...recorder.summary((performance.now() - started) / 1000), shed };
}

async function rates(): Promise<void> {
  const catalogue = await catalogueOf(url);
  const clients = await shoppers(50);
  const offered = String(options.rates).split(",").map(Number);
  const deployments = options.scale ? String(options.scale).split(",") : [];
  const counts = deployments.length > 0 ? String(options.replicas).split(",").map(Number) : [0];
  const original = new Map<string, { minReplicas: number; maxReplicas: number }>();
  for (const name of deployments) original.set(name, JSON.parse(await kubectl("get", "hpa", name, "-o", "json")).spec);
  process.stdout.write(`storefront mix, open loop, ${duration} s per rate, ${url}\n`);
  try {
    for (let round = 0; round < Number(options.rounds); round++) {
      for (const replicas of round % 2 === 0 ? counts : [...counts].reverse()) {
        if (replicas > 0) {
          await scaleTo(deployments, replicas);
          await sleep(5_000); // the new pods' first requests warm their caches
        }
        for (const rate of offered) {
          const result = await openLoop(clients, catalogue, rate);
          const label = replicas > 0 ? `${deployments.join("+")} x${replicas}` : "as deployed";
          process.stdout.write(
            `  round ${round + 1} ${label.padEnd(24)} offered ${String(rate).padStart(4)}/s  served ${result.rps.toFixed(1).padStart(6)}/s  p50 ${result.p50.toFixed(0).padStart(5)} ms  p95 ${result.p95.toFixed(0).padStart(5)} ms  shed ${result.shed}  errors ${JSON.stringify(result.errors)}\n`,
          );
        }
      }
    }
  } finally {
    for (const [name, spec] of original) {
      const restored = JSON.stringify({ spec: { minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas } });
      await kubectl("patch", "hpa", name, "--type=merge", "-p", restored);
      await kubectl("scale", `deployment/${name}`, `--replicas=${spec.minReplicas}`);
    }
  }
}

const command = positionals[0];
if (command === "cost") void cost();
else if (command === "rates") void rates();
else {
  process.stderr.write("usage: pnpm exec tsx bench/capacity.ts cost|rates [options] (see the file's first comment)\n");
  process.exitCode = 2;
}
