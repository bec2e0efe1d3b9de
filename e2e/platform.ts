import { createCartographClient, type CartographClient } from "@cartograph/client";
import {
  createTestDatabase,
  freePort,
  generateSigningKeyPem,
  RABBITMQ_URL,
  TEST_ROUTER_SECRET,
  uniqueTopologyName,
  type TestDatabase,
} from "@cartograph/testing";
import { launchPlatform } from "../scripts/platform";
import type { ServiceProcess } from "../scripts/processes";

export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

export interface Platform {
  routerUrl: string;
  services: Record<string, ServiceProcess>;
  /** An SDK client, signed in when given a token. */
  client: (accessToken?: string | null) => CartographClient;
  stop: () => Promise<void>;
}

/** The whole supergraph as `pnpm start` runs it, over fresh databases and its own exchange. */
export async function startPlatform(): Promise<Platform> {
  const databases: TestDatabase[] = [];
  const dropDatabases = () => Promise.all(databases.map((database) => database.drop()));
  try {
    const platform = await launchPlatform({
      env: {
        NODE_ENV: "test",
        LOG_LEVEL: "warn",
        RABBITMQ_URL,
        EVENTS_EXCHANGE: uniqueTopologyName("e2e"),
        EVENTS_QUEUE_NAMESPACE: uniqueTopologyName("e2e"),
        ROUTER_SECRET: TEST_ROUTER_SECRET,
        JWT_PRIVATE_KEY: generateSigningKeyPem(),
        CARTOGRAPH_ADMIN_EMAIL: E2E_ADMIN.email,
        CARTOGRAPH_ADMIN_PASSWORD: E2E_ADMIN.password,
      },
      databaseUrl: async (subgraph) => {
        const database = await createTestDatabase(`e2e_${subgraph.name}`);
        databases.push(database);
        return database.url;
      },
      port: () => freePort(),
    });
    return {
      routerUrl: platform.routerUrl,
      services: platform.services,
      client: (accessToken) => createCartographClient({ url: platform.routerUrl, accessToken: accessToken ?? null }),
      stop: async () => {
        await platform.stop();
        await dropDatabases();
      },
    };
  } catch (error) {
    await dropDatabases();
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
