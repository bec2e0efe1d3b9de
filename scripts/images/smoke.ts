/**
 * Runs the platform from the container images against the local datastores and passes the
 * end-to-end smoke suite through its router: migrate and seed jobs, every service and the
 * router (host network, 127.0.0.1, free ports, read-only root filesystem, no capabilities),
 * /readyz, each image's HEALTHCHECK, jest on e2e/smoke.e2e.test.ts; the storefront's image in
 * front of the router (/healthz, the shop's index.html, a query through its /graphql); then
 * SIGTERM to every container, which must exit 0 within the grace period (graceful shutdown in PID 1).
 * Fresh databases and its own exchange and queue namespace: a developer's data is not touched.
 *
 * Run through scripts/images/smoke.sh, which brings the datastores up and sets podman up.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createCartographClient } from "@cartograph/client";
import { queueOwner } from "@cartograph/service-kit";
import {
  createTestDatabase,
  createTestMongoDatabase,
  deleteQueues,
  freePort,
  generateSigningKeyPem,
  RABBITMQ_URL,
  uniqueTopologyName,
} from "@cartograph/testing";
import { repoRoot, subgraphs as platformOrder, type SubgraphEntry } from "../subgraphs";

/** SIGTERM, then this long before podman kills (exit 137): above the services' own 25 s grace. */
const STOP_GRACE_SECONDS = 30;
const run = `smoke-${randomBytes(3).toString("hex")}`;
const cleanups: Array<() => Promise<unknown>> = [];

function podman(
  args: string[],
  options: { quiet?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("podman", args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      // Without systemd podman cannot schedule the HEALTHCHECK timer; it is run by hand below.
      const text = chunk.toString().replace(/^.*unable to get systemd connection.*\n?/gm, "");
      stderr += text;
      if (!options.quiet) process.stderr.write(text);
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function podmanOk(args: string[]): Promise<string> {
  const result = await podman(args, { quiet: true });
  if (result.code !== 0)
    throw new Error(`podman ${args.slice(0, 3).join(" ")} … exited with ${result.code}:\n${result.stderr}`);
  return result.stdout.trim();
}

const envArgs = (env: Record<string, string>) =>
  Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
// What k8s' restricted securityContext will impose; the images must run under it.
const hardening = ["--network", "host", "--read-only", "--cap-drop", "all", "--security-opt", "no-new-privileges"];

/** A one-off job from an image (`node dist/bin/migrate.js` and the like); fails on a non-zero exit. */
async function job(image: string, entry: string, env: Record<string, string>): Promise<void> {
  process.stdout.write(`smoke: ${image} node ${entry}\n`);
  const result = await podman(["run", "--rm", ...hardening, ...envArgs(env), image, "node", entry], { quiet: true });
  if (result.code !== 0)
    throw new Error(`${image} node ${entry} exited with ${result.code}:\n${result.stdout}${result.stderr}`);
}

interface Container {
  name: string;
  service: string;
  port: number;
}
const containers: Container[] = [];

async function logsOf(container: Container): Promise<string> {
  const result = await podman(["logs", "--tail", "60", container.name], { quiet: true });
  return result.stdout + result.stderr;
}

/** Runs cartograph/<service> and waits for `readyPath` (the storefront has /healthz only), then its HEALTHCHECK. */
async function start(
  service: string,
  port: number,
  env: Record<string, string>,
  readyPath = "/readyz",
): Promise<Container> {
  const container = { name: `cartograph-${run}-${service}`, service, port };
  containers.push(container);
  await podmanOk([
    "run",
    "--detach",
    "--name",
    container.name,
    ...hardening,
    ...envArgs({ ...env, HOST: "127.0.0.1", PORT: String(port) }),
    `cartograph/${service}`,
  ]);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const state = await podmanOk(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container.name]);
    if (!state.startsWith("running"))
      throw new Error(`${service} stopped while starting (${state}):\n${await logsOf(container)}`);
    const ready = await fetch(`http://127.0.0.1:${port}${readyPath}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`${service} was not ready in time:\n${await logsOf(container)}`);
    await sleep(300);
  }
  // The image's own HEALTHCHECK, run once by hand.
  const health = await podman(["healthcheck", "run", container.name], { quiet: true });
  if (health.code !== 0)
    throw new Error(`${service}: the image's HEALTHCHECK failed: ${health.stdout}${health.stderr}`);
  process.stdout.write(
    `smoke: ${service} ready on 127.0.0.1:${port} (healthcheck ${health.stdout.trim() || "healthy"})\n`,
  );
  return container;
}

/** SIGTERM (the image's STOPSIGNAL); resolves with the exit code and how long it took. */
async function stop(container: Container): Promise<{ code: number; seconds: number }> {
  const started = Date.now();
  await podmanOk(["stop", "--time", String(STOP_GRACE_SECONDS), container.name]);
  const code = Number(await podmanOk(["inspect", "--format", "{{.State.ExitCode}}", container.name]));
  return { code, seconds: (Date.now() - started) / 1000 };
}

/** The subgraphs with an image to run, in the platform's start order; new ones (not yet in scripts/subgraphs.ts) last. */
function deployedSubgraphs(): SubgraphEntry[] {
  const hasMain = (dir: string) => existsSync(path.join(dir, "src", "bin", "main.ts"));
  const listed = platformOrder.filter((subgraph) => hasMain(subgraph.dir));
  const unlisted = [
    "users",
    "products",
    "inventory",
    "orders",
    "payments",
    "reviews",
    "recommendations",
    "notifications",
  ]
    .map((name) => path.join(repoRoot, "subgraphs", name))
    .filter((dir) => hasMain(dir) && !listed.some((subgraph) => subgraph.dir === dir))
    .map(
      (dir): SubgraphEntry => ({
        name: path.basename(dir),
        dir,
        port: 0,
        metricsPort: 0,
        store: readFileSync(path.join(dir, "src", "config.ts"), "utf8").includes("mongodbUrl(")
          ? "mongodb"
          : "postgres",
        seed: existsSync(path.join(dir, "src", "bin", "seed.ts")) ? "after-start" : null,
        queues: [],
      }),
    );
  const deployed = [...listed, ...unlisted];
  if (deployed.length === 0) throw new Error("no subgraph has a src/bin/main.ts: nothing to run");
  return deployed;
}

async function main(): Promise<void> {
  const events = { EVENTS_EXCHANGE: uniqueTopologyName(run), EVENTS_QUEUE_NAMESPACE: uniqueTopologyName(run) };
  const common = {
    LOG_LEVEL: "warn",
    RABBITMQ_URL,
    ...events,
    ROUTER_SECRET: randomBytes(24).toString("hex"),
    CARTOGRAPH_ADMIN_EMAIL: "admin@smoke.test",
    CARTOGRAPH_ADMIN_PASSWORD: randomBytes(12).toString("hex"),
  };
  const subgraphs = deployedSubgraphs();
  cleanups.push(async () => {
    for (const subgraph of subgraphs)
      await deleteQueues(queueOwner(subgraph.name, events.EVENTS_QUEUE_NAMESPACE), subgraph.queues).catch(
        () => undefined,
      );
  });

  // Each subgraph's own fresh database, by the store its config reads.
  const envOf: Record<string, Record<string, string>> = {};
  for (const subgraph of subgraphs) {
    const env: Record<string, string> = { ...common };
    if (subgraph.store === "postgres") {
      const database = await createTestDatabase(`${run}_${subgraph.name}`);
      cleanups.push(database.drop);
      env.DATABASE_URL = database.url;
    } else {
      const database = createTestMongoDatabase(`${run}_${subgraph.name}`);
      cleanups.push(database.drop);
      env.MONGODB_URL = database.url;
    }
    if (subgraph.name === "users") env.JWT_PRIVATE_KEY = generateSigningKeyPem();
    // The images run in production mode, where its development signing secret is refused.
    if (subgraph.name === "notifications") env.UNSUBSCRIBE_SECRET = randomBytes(32).toString("hex");
    envOf[subgraph.name] = env;
  }

  const ports: Record<string, number> = {};
  for (const name of [...subgraphs.map((subgraph) => subgraph.name), "router"]) ports[name] = await freePort();
  const jwks: Record<string, string> = ports.users
    ? { JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json` }
    : {};
  for (const subgraph of subgraphs) if (subgraph.name !== "users") Object.assign(envOf[subgraph.name]!, jwks);

  for (const subgraph of subgraphs) {
    const image = `cartograph/${subgraph.name}`;
    await job(image, "dist/bin/migrate.js", envOf[subgraph.name]!);
    if (subgraph.seed === "before-start") await job(image, "dist/bin/seed.js", envOf[subgraph.name]!);
  }
  for (const subgraph of subgraphs) await start(subgraph.name, ports[subgraph.name]!, envOf[subgraph.name]!);
  const routerEnv: Record<string, string> = { ...common, ...jwks };
  for (const subgraph of subgraphs)
    routerEnv[`SUBGRAPH_${subgraph.name.toUpperCase()}_URL`] = `http://127.0.0.1:${ports[subgraph.name]}/graphql`;
  await start("router", ports.router!, routerEnv);
  for (const subgraph of subgraphs.filter((s) => s.seed === "after-start"))
    await job(`cartograph/${subgraph.name}`, "dist/bin/seed.js", envOf[subgraph.name]!);

  const routerUrl = `http://127.0.0.1:${ports.router}/graphql`;
  // The storefront in front of the router, as in compose and k8s (there it is the router's Service).
  const storefront = await start(
    "storefront",
    await freePort(),
    { LOG_LEVEL: "warn", ROUTER_URL: `http://127.0.0.1:${ports.router}` },
    "/healthz",
  );
  await checkStorefront(`http://127.0.0.1:${storefront.port}`);
  process.stdout.write(`smoke: platform up from the images, router at ${routerUrl}; running e2e/smoke.e2e.test.ts\n`);
  const jestCode = await new Promise<number>((resolve) => {
    const jest = spawn(
      "pnpm",
      ["exec", "jest", "--selectProjects", "e2e", "--runTestsByPath", "e2e/smoke.e2e.test.ts"],
      {
        cwd: repoRoot,
        stdio: "inherit",
        env: { ...process.env, CARTOGRAPH_ROUTER_URL: routerUrl },
      },
    );
    jest.once("exit", (code) => resolve(code ?? 1));
  });

  // The storefront, then the router, so nothing new reaches the subgraphs while they drain.
  const failures: string[] = [];
  const front = (container: Container) => ["router", "storefront"].indexOf(container.service);
  for (const container of [...containers].reverse().sort((a, b) => front(b) - front(a))) {
    const { code, seconds } = await stop(container);
    process.stdout.write(`smoke: ${container.service} stopped by SIGTERM: exit ${code} after ${seconds.toFixed(1)}s\n`);
    if (code !== 0) failures.push(`${container.service} exited ${code} on SIGTERM:\n${await logsOf(container)}`);
  }
  if (jestCode !== 0) failures.push(`the smoke suite failed (jest exited ${jestCode})`);
  if (failures.length > 0) throw new Error(failures.join("\n"));
  process.stdout.write("smoke: passed\n");
}

/** The storefront's image serves the built shop and passes /graphql on to the router. */
async function checkStorefront(url: string): Promise<void> {
  const fail = (what: string) => {
    throw new Error(`storefront: ${what}`);
  };
  const health = await fetch(`${url}/healthz`);
  if (health.status !== 200) fail(`/healthz answered ${health.status}`);
  // Any page of the app is its index.html (the browser's router takes it from there).
  for (const page of ["/", "/cart"]) {
    const response = await fetch(`${url}${page}`);
    const html = await response.text();
    if (response.status !== 200 || !response.headers.get("content-type")?.startsWith("text/html"))
      fail(`${page} answered ${response.status} ${response.headers.get("content-type")}`);
    if (!html.includes('<div id="root">') || !/<script[^>]+src="\/assets\//.test(html))
      fail(`${page} is not the built shop's index.html:\n${html.slice(0, 500)}`);
  }
  // A trusted document through its /graphql, as the shop's own calls go.
  const { categories } = await createCartographClient({ url: `${url}/graphql` }).CategoryTree();
  if (categories.length === 0) fail("CategoryTree through /graphql returned no category");
  process.stdout.write(`smoke: storefront serves the shop and passes /graphql to the router (${url})\n`);
}

async function cleanUp(): Promise<void> {
  for (const container of containers) await podman(["rm", "--force", "--time", "0", container.name], { quiet: true });
  for (const cleanup of cleanups.reverse())
    await cleanup().catch((error: unknown) => process.stderr.write(`smoke: cleanup: ${String(error)}\n`));
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(cleanUp, async (error: unknown) => {
    process.stderr.write(`smoke: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    await cleanUp();
    process.exitCode = 1;
  })
  .finally(() => {
    if (interrupted) process.exitCode = 130;
  });
