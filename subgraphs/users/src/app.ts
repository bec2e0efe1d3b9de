import path from "node:path";
import { startPublishing } from "@cartograph/events/postgres";
import { queueOwner, startStopping, type Logger } from "@cartograph/service-kit";
import { connectPostgres, type Database } from "@cartograph/service-kit/db";
import { startMetricsServer, type RunningMetricsServer } from "@cartograph/service-kit/metrics";
import { startSubgraphServer, type RunningServer } from "@cartograph/service-kit/server";
import { createDataRequestLoaders } from "./data-request/data-request.loaders";
import { startReplyConsumer } from "./data-request/data-request.events";
import { DataRequestRepository } from "./data-request/data-request.repository";
import { DataRequestService } from "./data-request/data-request.service";
import { AccountRepository } from "./account/account.repository";
import { AccountService } from "./account/account.service";
import { createUserLoaders } from "./account/user.loaders";
import { AddressRepository } from "./address/address.repository";
import { AddressService } from "./address/address.service";
import type { UsersConfig } from "./config";
import type { UsersContext, UsersServiceRegistry } from "./context";
import { schema } from "./db";
import { buildUsersSchema } from "./schema";
import { SessionService } from "./session/session.service";
import { jwksOf, loadAcceptedKeys, loadSigningKey, verifierFor } from "./session/signing-key";

export const USERS_SERVICE_DIR = path.resolve(__dirname, "..");

/** The running users subgraph. `stop` is graceful: requests finish, the relay drains, connections close. */
export interface UsersSubgraph {
  server: RunningServer;
  /** Prometheus `/metrics`, on METRICS_PORT. */
  metrics: RunningMetricsServer;
  stop: () => Promise<void>;
}

/** Wires the users subgraph: PostgreSQL, the outbox relay to RabbitMQ, and the HTTP server. */
export function startUsersSubgraph(
  config: UsersConfig,
  log: Logger,
  /** Tests pass an instrumented database; by default one is opened from DATABASE_URL. */
  given: { database?: Database<typeof schema> } = {},
): Promise<UsersSubgraph> {
  return startStopping(async (stops) => {
    // Started first, so stopped last: scrapes see the whole shutdown.
    const metrics = stops.add("metrics server", await startMetricsServer({ config, log }));
    const { key, generated } = await loadSigningKey(config.JWT_PRIVATE_KEY);
    if (generated) log.warn("JWT_PRIVATE_KEY is not set: signing with a throwaway key; tokens die with this process");
    const accepted = await loadAcceptedKeys(config.JWT_ACCEPTED_PUBLIC_KEYS);

    const database = stops.add("postgres", given.database ?? connectPostgres(config.DATABASE_URL, schema, log));
    const broker = startPublishing(stops, { pool: database.pool, config, log });

    const services: UsersServiceRegistry = {
      accounts: new AccountService(database.db),
      addresses: new AddressService(database.db),
      sessions: new SessionService(
        database.db,
        key,
        {
          accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
          refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
          refreshReuseGraceSeconds: config.REFRESH_REUSE_GRACE_SECONDS,
          maxLoginFailures: config.MAX_LOGIN_FAILURES,
          loginWindowMinutes: config.LOGIN_WINDOW_MINUTES,
        },
        log,
      ),
      dataRequests: new DataRequestService(database.db, { exportTtlDays: config.DATA_EXPORT_TTL_DAYS }, log),
    };
    stops.add(
      "data request replies consumer",
      await startReplyConsumer({
        broker,
        db: database.db,
        log,
        queueOwner: queueOwner("users", config.EVENTS_QUEUE_NAMESPACE),
        record: (tx, reply) => services.dataRequests.recordReply(tx, reply),
      }),
    );
    const loaderSources = {
      accounts: new AccountRepository(database.db),
      addresses: new AddressRepository(database.db),
      dataRequests: new DataRequestRepository(database.db),
    };
    const jwks = await jwksOf(key, accepted);

    const server = await startSubgraphServer<UsersContext>({
      service: "users",
      schema: await buildUsersSchema(),
      config,
      log,
      verifier: verifierFor(key, accepted),
      createContext: (base) => ({
        ...base,
        services,
        loaders: { ...createUserLoaders(loaderSources), ...createDataRequestLoaders(loaderSources.dataRequests) },
        signedInNow: new Set(),
      }),
      readiness: { postgres: database.ping, rabbitmq: broker.ping },
      publicRoutes: (app) => {
        app.get("/.well-known/jwks.json", (_req, res) => {
          res.setHeader("cache-control", "public, max-age=300");
          res.json(jwks);
        });
      },
    });
    stops.add("server", server);
    return { server, metrics };
  });
}
