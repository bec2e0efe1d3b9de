import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { launchPlatform } from "./platform";
import { runCommand } from "./run";
import { superviseServices } from "./supervisor";
import { repoRoot, subgraphs } from "./subgraphs";

/**
 * `pnpm start`: datastores up, migrations, demo data, then every subgraph and the router in the
 * foreground. A service that exits is restarted (with a growing delay), as an orchestrator
 * would. Ctrl-C stops them all gracefully.
 */

/** A development signing key kept across restarts, so tokens survive `pnpm start` again. */
function devSigningKey(): string {
  const file = path.join(repoRoot, ".local/dev-jwt-private.pem");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const pem = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    writeFileSync(file, pem, { mode: 0o600 });
  }
  return readFileSync(file, "utf8");
}

async function main() {
  await runCommand("bash", ["scripts/services.sh", "up"], repoRoot);
  const routerPort = Number(process.env.ROUTER_PORT ?? 4000);
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const platform = await launchPlatform({
    env: { ...inherited, JWT_PRIVATE_KEY: process.env.JWT_PRIVATE_KEY || devSigningKey() },
    port: async (name) => (name === "router" ? routerPort : subgraphs.find((s) => s.name === name)!.port),
    onLine: (service, line) => process.stdout.write(`${service.padEnd(15)}| ${line}\n`),
  });
  const supervisor = superviseServices(platform, {
    report: (line) => process.stderr.write(`${"supervisor".padEnd(15)}| ${line}\n`),
  });
  const stopAll = () => {
    supervisor.stop();
    platform.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stopAll);
  process.once("SIGTERM", stopAll);

  const admin = process.env.CARTOGRAPH_ADMIN_EMAIL ?? "admin@cartograph.dev";
  process.stdout.write(
    [
      "",
      "Cartograph is running.",
      `  Apollo Sandbox:  http://localhost:${routerPort}/graphql  (open it in a browser)`,
      `  GraphQL API:     POST http://localhost:${routerPort}/graphql, subscriptions over WebSocket on the same path`,
      `  Demo admin:      ${admin} / ${process.env.CARTOGRAPH_ADMIN_PASSWORD ? "(from CARTOGRAPH_ADMIN_PASSWORD)" : "cartograph-admin"}`,
      "  Ctrl-C stops everything.",
      "",
    ].join("\n") + "\n",
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`pnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
