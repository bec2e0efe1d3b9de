import path from "node:path";
import { createCartographClient, type CartographClient } from "@cartograph/client";
import {
  createTestDatabase,
  freePort,
  generateSigningKeyPem,
  RABBITMQ_URL,
  startServiceProcess,
  TEST_ROUTER_SECRET,
  uniqueTopologyName,
  type ServiceProcess,
  type TestDatabase,
} from "@cartograph/testing";
import { runTs } from "../scripts/run";
import { repoRoot, subgraphs } from "../scripts/subgraphs";

export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

export interface Platform {
  routerUrl: string;
  services: Record<string, ServiceProcess>;
  /** An SDK client, signed in when given a token. */
  client: (accessToken?: string | null) => CartographClient;
  stop: () => Promise<void>;
}

/**
 * The whole supergraph as separate processes, as in production: every subgraph over fresh
 * databases and its own exchange, migrated and seeded, and the router in front.
 */
export async function startPlatform(): Promise<Platform> {
  const databases: TestDatabase[] = [];
  const services: Record<string, ServiceProcess> = {};
  const sharedEnv: Record<string, string> = {
    RABBITMQ_URL,
    EVENTS_EXCHANGE: uniqueTopologyName("e2e"),
    ROUTER_SECRET: TEST_ROUTER_SECRET,
    JWT_PRIVATE_KEY: generateSigningKeyPem(),
    CARTOGRAPH_ADMIN_EMAIL: E2E_ADMIN.email,
    CARTOGRAPH_ADMIN_PASSWORD: E2E_ADMIN.password,
  };
  const stop = async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
    await Promise.all(databases.map((database) => database.drop()));
  };
  try {
    const routerEnv: Record<string, string> = { ROUTER_SECRET: TEST_ROUTER_SECRET };
    for (const subgraph of subgraphs) {
      const env = { ...sharedEnv };
      if (subgraph.migrates) {
        const database = await createTestDatabase(`e2e_${subgraph.name}`);
        databases.push(database);
        env.DATABASE_URL = database.url;
        await runTs(subgraph.dir, "src/migrate.ts", { ...process.env, ...env, LOG_LEVEL: "warn" });
      }
      if (subgraph.seeds) await runTs(subgraph.dir, "src/seed-main.ts", { ...process.env, ...env, NODE_ENV: "test", LOG_LEVEL: "warn" });
      const port = await freePort();
      services[subgraph.name] = await startServiceProcess({ name: subgraph.name, cwd: subgraph.dir, port, env });
      routerEnv[`SUBGRAPH_${subgraph.name.toUpperCase()}_URL`] = `http://127.0.0.1:${port}/graphql`;
      // Users starts first; everyone after it verifies tokens with its keys.
      if (subgraph.name === "users") sharedEnv.JWKS_URL = `${services.users!.baseUrl}/.well-known/jwks.json`;
    }
    routerEnv.JWKS_URL = `${services.users!.baseUrl}/.well-known/jwks.json`;
    const routerPort = await freePort();
    services.router = await startServiceProcess({ name: "router", cwd: path.join(repoRoot, "router"), port: routerPort, env: routerEnv });
    const routerUrl = `${services.router.baseUrl}/graphql`;
    return { routerUrl, services, client: (accessToken) => createCartographClient({ url: routerUrl, accessToken: accessToken ?? null }), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Posts raw GraphQL to the router, for what the SDK deliberately cannot send (malformed operations). */
export async function postToRouter(routerUrl: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(routerUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } | null };
}
