import path from "node:path";
import { connectBroker, startOutboxRelay } from "@cartograph/events";
import {
  connectPostgres,
  startSubgraphServer,
  type Database,
  type Logger,
  type RunningServer,
} from "@cartograph/service-kit";
import { AccountService } from "./account/account.service";
import { createUserLoaders } from "./account/user.loaders";
import { AddressService } from "./address/address.service";
import type { UsersConfig } from "./config";
import type { UsersContext, UsersServices } from "./context";
import { schema } from "./db";
import { buildUsersSchema } from "./schema";
import { SessionService } from "./session/session.service";
import { jwksOf, loadSigningKey, verifierFor } from "./session/signing-key";

export const USERS_SERVICE_DIR = path.resolve(__dirname, "..");

export interface UsersService {
  server: RunningServer;
  /** Graceful: stop taking requests, finish in-flight ones, drain the outbox relay, close connections. */
  stop: () => Promise<void>;
}

/** Wires the users subgraph: PostgreSQL, the outbox relay to RabbitMQ, and the HTTP server. */
export async function startUsersService(
  config: UsersConfig,
  log: Logger,
  /** Tests pass an instrumented database; by default one is opened from DATABASE_URL. */
  { database = connectPostgres(config.DATABASE_URL, schema, log) }: { database?: Database<typeof schema> } = {},
): Promise<UsersService> {
  const { key, generated } = loadSigningKey(config.JWT_PRIVATE_KEY);
  if (generated) log.warn("JWT_PRIVATE_KEY is not set: signing with a throwaway key; tokens die with this process");

  const broker = connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log });
  const relay = startOutboxRelay({ pool: database.pool, broker, log });

  const services: UsersServices = {
    accounts: new AccountService(database.db),
    addresses: new AddressService(database.db),
    sessions: new SessionService(
      database.db,
      key,
      {
        accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
        refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
        maxLoginFailures: config.MAX_LOGIN_FAILURES,
        loginWindowMinutes: config.LOGIN_WINDOW_MINUTES,
      },
      log,
    ),
  };
  const jwks = jwksOf(key);

  const server = await startSubgraphServer<UsersContext>({
    service: "users",
    schema: await buildUsersSchema(),
    host: config.HOST,
    port: config.PORT,
    routerSecret: config.ROUTER_SECRET,
    log,
    verifier: verifierFor(key),
    createContext: (base) => ({ ...base, services, loaders: createUserLoaders(services), signedInNow: new Set() }),
    readiness: { postgres: database.ping, rabbitmq: broker.ping },
    publicRoutes: (app) => {
      app.get("/.well-known/jwks.json", (_req, res) => {
        res.setHeader("cache-control", "public, max-age=300");
        res.json(jwks);
      });
    },
  });

  return {
    server,
    stop: async () => {
      await server.stop();
      await relay.stop();
      await broker.close();
      await database.close();
    },
  };
}
