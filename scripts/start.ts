import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { runCommand, runTs } from "./run";
import { repoRoot, subgraphs } from "./subgraphs";

/**
 * `pnpm start`: datastores up, migrations, demo data, then every subgraph and the router in the
 * foreground (Ctrl-C stops them all gracefully).
 */

/** A development signing key kept across restarts, so tokens survive `pnpm start` again. */
function devSigningKey(): string {
  const file = path.join(repoRoot, ".local/dev-jwt-private.pem");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    writeFileSync(file, pem, { mode: 0o600 });
  }
  return readFileSync(file, "utf8");
}

function startProcess(name: string, cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = `${name.padEnd(8)}| `;
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream?.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) process.stdout.write(prefix + line + "\n");
    });
  }
  return child;
}

async function waitHealthy(name: string, url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} while starting`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not become healthy at ${url}`);
}

async function main() {
  await runCommand("bash", ["scripts/services.sh", "up"], repoRoot);
  const env: NodeJS.ProcessEnv = { ...process.env, JWT_PRIVATE_KEY: process.env.JWT_PRIVATE_KEY || devSigningKey() };
  for (const subgraph of subgraphs.filter((s) => s.migrates)) await runTs(subgraph.dir, "src/migrate.ts", env);
  for (const subgraph of subgraphs.filter((s) => s.seeds)) await runTs(subgraph.dir, "src/seed-main.ts", env);

  const children: ChildProcess[] = [];
  const stopAll = (signal: NodeJS.Signals) => {
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.once("SIGINT", () => stopAll("SIGTERM"));
  process.once("SIGTERM", () => stopAll("SIGTERM"));

  for (const subgraph of subgraphs) {
    const child = startProcess(subgraph.name, subgraph.dir, { ...env, PORT: String(subgraph.port) });
    children.push(child);
    await waitHealthy(subgraph.name, `http://127.0.0.1:${subgraph.port}/healthz`, child);
  }
  const routerPort = Number(process.env.ROUTER_PORT ?? 4000);
  const router = startProcess("router", path.join(repoRoot, "router"), { ...env, PORT: String(routerPort) });
  children.push(router);
  await waitHealthy("router", `http://127.0.0.1:${routerPort}/healthz`, router);

  const admin = process.env.CARTOGRAPH_ADMIN_EMAIL ?? "admin@cartograph.dev";
  process.stdout.write(
    [
      "",
      "Cartograph is running.",
      `  Apollo Sandbox:  http://localhost:${routerPort}/graphql  (open it in a browser)`,
      `  GraphQL API:     POST http://localhost:${routerPort}/graphql, WebSocket on the same path`,
      `  Demo admin:      ${admin} / ${process.env.CARTOGRAPH_ADMIN_PASSWORD ? "(from CARTOGRAPH_ADMIN_PASSWORD)" : "cartograph-admin"}`,
      "  Ctrl-C stops everything.",
      "",
    ].join("\n") + "\n",
  );

  await Promise.race(children.map((child) => new Promise((resolve) => child.once("exit", resolve))));
  stopAll("SIGTERM");
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : null)));
}

main().catch((error: unknown) => {
  process.stderr.write(`pnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
