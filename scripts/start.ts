import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { launchPlatform } from "./platform";
import { runCommand } from "./run";
import { buildStorefront, ROUTER_BEHIND_LOCAL_STOREFRONT, startStorefront, STOREFRONT_PORT } from "./storefront";
import { superviseServices } from "./supervisor";
import { repoRoot, subgraphs } from "./subgraphs";

/**
 * `pnpm start`: datastores (and the Mailpit mail catcher) up, migrations, demo data, then every
 * subgraph and the router in the foreground. A service that exits is restarted (with a growing delay), as an orchestrator
 * would. Ctrl-C stops them all gracefully.
 *
 * `pnpm start --observe` also runs Jaeger and Prometheus (scripts/observe.ts) and sends every
 * service's traces to Jaeger; plain `pnpm start` starts neither and sets no tracing endpoint.
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

/** Mailpit's page, where scripts/services.sh started it (MAILPIT_UI_ADDR); null when nothing answers there. */
async function mailCatcherPage(): Promise<string | null> {
  const page = `http://${process.env.MAILPIT_UI_ADDR ?? "127.0.0.1:8025"}`;
  try {
    const response = await fetch(`${page}/readyz`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? page : null;
  } catch {
    return null;
  }
}

function parseArgs(args: string[]): { observe: boolean } {
  const unknown = args.filter((arg) => arg !== "--observe");
  if (unknown.length > 0) {
    process.stderr.write(`pnpm start: unknown ${unknown.join(" ")}\nusage: pnpm start [--observe]\n`);
    process.exit(64);
  }
  return { observe: args.includes("--observe") };
}

async function main() {
  const { observe } = parseArgs(process.argv.slice(2));
  await runCommand("bash", ["scripts/services.sh", "up"], repoRoot);
  const routerPort = Number(process.env.ROUTER_PORT ?? 4000);
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const report = (line: string) => process.stderr.write(`${"supervisor".padEnd(15)}| ${line}\n`);
  // Loaded only when asked for, so plain `pnpm start` loads nothing of it. Started before the
  // services, so their first spans and scrapes have somewhere to go.
  const observing = observe
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require("./observe") as typeof import("./observe"))
    : undefined;
  const localView = await observing?.startLocalView(report);
  const platform = await launchPlatform({
    env: {
      ...ROUTER_BEHIND_LOCAL_STOREFRONT,
      ...inherited,
      JWT_PRIVATE_KEY: process.env.JWT_PRIVATE_KEY || devSigningKey(),
      ...(observing ? { OTEL_EXPORTER_OTLP_ENDPOINT: observing.LOCAL_VIEW.otlpEndpoint } : {}),
    },
    port: async (name) => (name === "router" ? routerPort : subgraphs.find((s) => s.name === name)!.port),
    onLine: (service, line) => process.stdout.write(`${service.padEnd(15)}| ${line}\n`),
  }).catch(async (error: unknown) => {
    await localView?.stop();
    throw error;
  });
  const supervisor = superviseServices(platform, { report });
  // The web shop, on its own port, passing /graphql to the router: same origin for the browser.
  const storefrontPort = Number(process.env.STOREFRONT_PORT ?? STOREFRONT_PORT);
  report("building the storefront (apps/storefront)");
  await buildStorefront();
  const storefront = await startStorefront({
    port: storefrontPort,
    routerUrl: `http://127.0.0.1:${routerPort}`,
    onLine: (line) => process.stdout.write(`${"storefront".padEnd(15)}| ${line}\n`),
  });
  const stopAll = () => {
    supervisor.stop();
    Promise.all([storefront.stop(), platform.stop()])
      .then(() => localView?.stop())
      .then(() => process.exit(0));
  };
  process.once("SIGINT", stopAll);
  process.once("SIGTERM", stopAll);

  const admin = process.env.CARTOGRAPH_ADMIN_EMAIL ?? "admin@cartograph.dev";
  const mailPage = await mailCatcherPage();
  process.stdout.write(
    [
      "",
      "Cartograph is running.",
      `  The shop:        http://localhost:${storefrontPort}  (the web storefront: browse, sign up, buy with tok_visa)`,
      `  Apollo Sandbox:  http://localhost:${routerPort}/graphql  (open it in a browser)`,
      `  GraphQL API:     POST http://localhost:${routerPort}/graphql, subscriptions over WebSocket on the same path`,
      `  Demo admin:      ${admin} / ${process.env.CARTOGRAPH_ADMIN_PASSWORD ? "(from CARTOGRAPH_ADMIN_PASSWORD)" : "cartograph-admin"}`,
      mailPage
        ? `  Emails:          ${mailPage}  (Mailpit: every email the shop sent, to read)`
        : "  Emails:          no mail catcher page answers (see `mail` in the services summary above); emails are retried",
      ...(observing
        ? [
            `  Traces:          ${observing.LOCAL_VIEW.jaeger}  (Jaeger: service cartograph-router; a checkout is one trace)`,
            `  Metrics:         ${observing.LOCAL_VIEW.prometheus}  (Prometheus: every service's /metrics, and the alert rules)`,
          ]
        : []),
      "  Ctrl-C stops everything.",
      "",
    ].join("\n") + "\n",
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`pnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
