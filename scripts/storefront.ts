import path from "node:path";
import { startServiceProcess, type ServiceProcess } from "./processes";
import { runCommand } from "./run";
import { repoRoot } from "./subgraphs";

/** The web shop (apps/storefront): built by Vite, served by its own server.ts beside the router. */
export const STOREFRONT_DIR = path.join(repoRoot, "apps/storefront");
export const STOREFRONT_PORT = 3000;

/**
 * The router's setting when this machine's storefront passes shoppers' calls to it: the
 * X-Forwarded-For it adds is believed, so each anonymous shopper has a throttle bucket of their
 * own instead of all sharing the storefront's (docs/operations.md, TRUSTED_PROXIES).
 */
export const ROUTER_BEHIND_LOCAL_STOREFRONT = { TRUSTED_PROXIES: "loopback" } as const;

/**
 * `vite build` into apps/storefront/dist (a few seconds; warnings and errors only). Always a
 * production build: under jest NODE_ENV is "test", which would ship React's development build.
 */
export function buildStorefront(): Promise<void> {
  return runCommand(
    path.join(STOREFRONT_DIR, "node_modules/.bin/vite"),
    ["build", "--logLevel", "warn"],
    STOREFRONT_DIR,
    { ...process.env, NODE_ENV: "production" },
  );
}

/** Serves the built shop on `port`, passing /graphql to the router at `routerUrl`; resolves once /healthz answers. */
export function startStorefront(options: {
  port: number;
  routerUrl: string;
  onLine?: (line: string) => void;
}): Promise<ServiceProcess> {
  return startServiceProcess({
    name: "storefront",
    cwd: STOREFRONT_DIR,
    entry: "server.ts",
    port: options.port,
    env: { ROUTER_URL: options.routerUrl },
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
}
