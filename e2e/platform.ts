import { createCartographClient, type CartographClient } from "@cartograph/client";
import {
  createTestDatabase,
  createTestMongoDatabase,
  deleteQueues,
  freePort,
  generateSigningKeyPem,
  RABBITMQ_URL,
  TEST_ROUTER_SECRET,
  uniqueTopologyName,
  type TestDatabase,
  type TestMongoDatabase,
} from "@cartograph/testing";
import { queueOwner } from "@cartograph/service-kit";
import { launchPlatform } from "@cartograph/scripts/platform";
import type { ServiceProcess } from "@cartograph/scripts/processes";
import { subgraphs } from "@cartograph/scripts/subgraphs";

export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

export interface Platform {
  routerUrl: string;
  services: Record<string, ServiceProcess>;
  /** The exchange and queue namespace this platform's services use (for services started beside it). */
  events: { EVENTS_EXCHANGE: string; EVENTS_QUEUE_NAMESPACE: string };
  /** The fresh database a subgraph was given (PostgreSQL or MongoDB URL), for tests that check rows directly. */
  databaseUrl: (name: string) => string;
  /** An SDK client, signed in when given a token. */
  client: (accessToken?: string | null) => CartographClient;
  /** Stops one service, or starts it again (same port, same settings): for failure tests. */
  stopService: (name: string) => Promise<number | null>;
  startService: (name: string) => Promise<ServiceProcess>;
  /** Stops everything (idempotent); resolves with each process's exit code. */
  stop: () => Promise<Record<string, number | null>>;
}

export interface PlatformSetup {
  /** Subgraphs started by the test itself (name -> GraphQL URL). */
  external?: Record<string, string>;
  events?: Platform["events"];
  /** More environment for every service (e.g. OTEL_* to trace the platform), over the defaults. */
  env?: Record<string, string>;
}

export function platformEvents(): Platform["events"] {
  return { EVENTS_EXCHANGE: uniqueTopologyName("e2e"), EVENTS_QUEUE_NAMESPACE: uniqueTopologyName("e2e") };
}

/** The whole supergraph as `pnpm start` runs it, over fresh databases and its own exchange. */
export async function startPlatform(setup: PlatformSetup = {}): Promise<Platform> {
  const events = setup.events ?? platformEvents();
  const databases: Array<TestDatabase | TestMongoDatabase> = [];
  const databaseUrls: Record<string, string> = {};
  const dropDatabases = () => Promise.all(databases.map((database) => database.drop()));
  try {
    const platform = await launchPlatform({
      env: {
        NODE_ENV: "test",
        // Platforms run side by side (and beside `pnpm start`): every metrics server on a free port.
        METRICS_PORT: "0",
        LOG_LEVEL: "warn",
        RABBITMQ_URL,
        ...events,
        ROUTER_SECRET: TEST_ROUTER_SECRET,
        JWT_PRIVATE_KEY: generateSigningKeyPem(),
        CARTOGRAPH_ADMIN_EMAIL: E2E_ADMIN.email,
        CARTOGRAPH_ADMIN_PASSWORD: E2E_ADMIN.password,
        ...setup.env,
      },
      databaseUrl: async (subgraph) => {
        const database =
          subgraph.store === "mongodb"
            ? createTestMongoDatabase(`e2e_${subgraph.name}`)
            : await createTestDatabase(`e2e_${subgraph.name}`);
        databases.push(database);
        databaseUrls[subgraph.name] = database.url;
        return database.url;
      },
      port: () => freePort(),
      ...(setup.external ? { external: setup.external } : {}),
    });
    let stopped: Promise<Record<string, number | null>> | null = null;
    return {
      routerUrl: platform.routerUrl,
      services: platform.services,
      events,
      databaseUrl: (name) => {
        const url = databaseUrls[name];
        if (!url) throw new Error(`no database was created for "${name}"`);
        return url;
      },
      stopService: platform.stopService,
      startService: platform.startService,
      client: (accessToken) => createCartographClient({ url: platform.routerUrl, accessToken: accessToken ?? null }),
      stop: () =>
        (stopped ??= (async () => {
          const codes = await platform.stop();
          await dropDatabases();
          for (const subgraph of subgraphs)
            await deleteQueues(queueOwner(subgraph.name, events.EVENTS_QUEUE_NAMESPACE), subgraph.queues);
          return codes;
        })()),
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
  return {
    status: response.status,
    body: (await response.json().catch(() => null)) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    } | null,
  };
}
