import { connectBroker, type Broker, type EventEnvelope } from "@cartograph/events";
import { createLogger, queueOwner, type Logger } from "@cartograph/service-kit";
import { type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { connectPostgres, migratePostgres, type Database } from "@cartograph/service-kit/db";
import { connectMongo, type MongoStore } from "@cartograph/service-kit/mongo";
import { type RunningServer } from "@cartograph/service-kit/server";
import {
  createTestDatabase,
  createTestMongoDatabase,
  deleteQueues,
  RABBITMQ_URL,
  uniqueTopologyName,
  waitFor,
} from "@cartograph/test-datastores";
import { generateSigningKeyPem } from "./keys";
import { callSubgraph, TEST_ROUTER_SECRET, type GraphQLResult } from "./graphql";
import { createTestTokens, type TestTokens } from "./tokens";

export interface StartedService {
  server: RunningServer;
  metrics: { url: string };
  stop: () => Promise<void>;
}

export interface SubgraphHarness<TSchema extends Record<string, unknown>, TConfig, TService extends StartedService> {
  url: string;
  baseUrl: string;
  /** The service's Prometheus `/metrics` (on a free port). */
  metricsUrl: string;
  config: TConfig;
  database: Database<TSchema>;
  service: TService;
  /** Access tokens this service accepts (services that sign their own, like users, ignore them). */
  tokens: TestTokens;
  /** Statements the service sent outside transactions since the last reset (DataLoader batching checks). */
  queryCount: () => number;
  resetQueryCount: () => void;
  close: () => Promise<void>;
}

/**
 * A PostgreSQL subgraph in-process on a random port, over its own fresh, migrated database and
 * its own exchange. The database is instrumented to count the statements the service sends.
 */
export async function startSubgraphHarness<
  TSchema extends Record<string, unknown>,
  TConfig extends { DATABASE_URL: string },
  TService extends StartedService,
>(options: {
  label: string;
  serviceDir: string;
  dbSchema: TSchema;
  parseConfig: (env: Record<string, string>) => TConfig;
  start: (
    config: TConfig,
    log: Logger,
    dependencies: { database: Database<TSchema>; verifier: AccessTokenVerifier },
  ) => Promise<TService>;
  env?: Record<string, string>;
  /** Verifies access tokens instead of the harness's own test tokens (e.g. a real users service's JWKS). */
  verifier?: AccessTokenVerifier;
}): Promise<SubgraphHarness<TSchema, TConfig, TService>> {
  const testDb = await createTestDatabase(options.label);
  const config = options.parseConfig({
    NODE_ENV: "test",
    PORT: "0",
    METRICS_PORT: "0",
    DATABASE_URL: testDb.url,
    RABBITMQ_URL,
    EVENTS_EXCHANGE: uniqueTopologyName(options.label),
    // A shared queue would hand one test run's events to another run's service.
    EVENTS_QUEUE_NAMESPACE: uniqueTopologyName(options.label),
    ROUTER_SECRET: TEST_ROUTER_SECRET,
    JWT_PRIVATE_KEY: generateSigningKeyPem(),
    ...options.env,
  });
  const log = createLogger(`${options.label}-test`, process.env.TEST_LOG_LEVEL ?? "silent");
  const database = connectPostgres(config.DATABASE_URL, options.dbSchema, log, { max: 8 });
  await migratePostgres(database.db, options.serviceDir);

  let queries = 0;
  const query = database.pool.query.bind(database.pool);
  database.pool.query = ((...args: Parameters<typeof query>) => {
    queries += 1;
    return query(...args);
  }) as typeof query;

  const tokens = createTestTokens();
  const service = await options.start(config, log, { database, verifier: options.verifier ?? tokens.verifier });
  return {
    url: service.server.url,
    baseUrl: service.server.url.replace(/\/graphql$/, ""),
    metricsUrl: service.metrics.url,
    config,
    database,
    service,
    tokens,
    queryCount: () => queries,
    resetQueryCount: () => {
      queries = 0;
    },
    close: async () => {
      await service.stop();
      await testDb.drop();
    },
  };
}

export interface MongoSubgraphHarness<TConfig, TService extends StartedService> {
  url: string;
  baseUrl: string;
  /** The service's Prometheus `/metrics` (on a free port). */
  metricsUrl: string;
  config: TConfig;
  store: MongoStore;
  service: TService;
  tokens: TestTokens;
  /** Publishes on the harness's own exchange, as the producing services would. */
  broker: Broker;
  /** Publishes and waits until the service has applied it (its inbox holds the event). */
  deliver: (event: EventEnvelope) => Promise<void>;
  gql: <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ) => Promise<GraphQLResult<T>>;
  /** Read commands (find, aggregate, count) the service sent since the last reset (DataLoader batching checks). */
  queryCount: () => number;
  resetQueryCount: () => void;
  close: () => Promise<void>;
}

const MONGO_READ_COMMANDS = new Set(["find", "aggregate", "count", "distinct", "getMore"]);

/**
 * A MongoDB subgraph in-process on a random port, over its own fresh database, exchange and
 * queues; `queuePurposes` are its durable queues' purposes, deleted on close.
 */
export async function startMongoSubgraphHarness<
  TConfig extends { MONGODB_URL: string; EVENTS_EXCHANGE: string; EVENTS_QUEUE_NAMESPACE: string },
  TService extends StartedService,
>(options: {
  label: string;
  queuePurposes: string[];
  parseConfig: (env: Record<string, string>) => TConfig;
  start: (
    config: TConfig,
    log: Logger,
    dependencies: { store: MongoStore; verifier: AccessTokenVerifier },
  ) => Promise<TService>;
  env?: Record<string, string>;
  verifier?: AccessTokenVerifier;
}): Promise<MongoSubgraphHarness<TConfig, TService>> {
  const testDb = createTestMongoDatabase(options.label);
  const config = options.parseConfig({
    NODE_ENV: "test",
    PORT: "0",
    METRICS_PORT: "0",
    MONGODB_URL: testDb.url,
    RABBITMQ_URL,
    EVENTS_EXCHANGE: uniqueTopologyName(options.label),
    EVENTS_QUEUE_NAMESPACE: uniqueTopologyName(options.label),
    ROUTER_SECRET: TEST_ROUTER_SECRET,
    ...options.env,
  });
  const log = createLogger(`${options.label}-test`, process.env.TEST_LOG_LEVEL ?? "silent");
  const store = connectMongo(config.MONGODB_URL, log, { monitorCommands: true });
  let queries = 0;
  store.client.on("commandStarted", (event) => {
    if (MONGO_READ_COMMANDS.has(event.commandName)) queries += 1;
  });
  const tokens = createTestTokens();
  const service = await options.start(config, log, { store, verifier: options.verifier ?? tokens.verifier });
  const broker = connectBroker({
    url: RABBITMQ_URL,
    exchange: config.EVENTS_EXCHANGE,
    log: createLogger(`${options.label}-test-broker`, "silent"),
  });
  const processed = store.db.collection<{ _id: string; eventId: string }>("processed_events");
  return {
    url: service.server.url,
    baseUrl: service.server.url.replace(/\/graphql$/, ""),
    metricsUrl: service.metrics.url,
    config,
    store,
    service,
    tokens,
    broker,
    deliver: async (event) => {
      await broker.publishEvent(event);
      await waitFor(() => processed.findOne({ eventId: event.id }).then((row) => row ?? undefined), {
        what: `${event.type} ${event.id} to be applied`,
      });
    },
    gql: (query, variables = {}, token = null) =>
      callSubgraph(service.server.url, query, variables, { accessToken: token }),
    queryCount: () => queries,
    resetQueryCount: () => {
      queries = 0;
    },
    close: async () => {
      await broker.close();
      await service.stop();
      await testDb.drop();
      await deleteQueues(queueOwner(options.label, config.EVENTS_QUEUE_NAMESPACE), options.queuePurposes);
    },
  };
}
