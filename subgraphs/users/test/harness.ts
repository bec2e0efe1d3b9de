import "reflect-metadata";
import { connectPostgres, createLogger, migratePostgres, parseConfig } from "@cartograph/service-kit";
import { createTestDatabase, generateSigningKeyPem, RABBITMQ_URL, TEST_ROUTER_SECRET, uniqueTopologyName, type TestDatabase } from "@cartograph/testing";
import { startUsersService, USERS_SERVICE_DIR, type UsersService } from "../src/app";
import { usersEnvSchema, type UsersConfig } from "../src/config";
import { schema, type UsersDb } from "../src/db";
import type { Database } from "@cartograph/service-kit";

export interface UsersHarness {
  /** Statements the service sent outside transactions since the last reset (DataLoader batching checks). */
  queryCount: () => number;
  resetQueryCount: () => void;
  url: string;
  baseUrl: string;
  config: UsersConfig;
  database: Database<typeof schema>;
  db: UsersDb;
  service: UsersService;
  close: () => Promise<void>;
}

/** The users subgraph in-process on a random port, over its own fresh database and exchange. */
export async function startUsersHarness(): Promise<UsersHarness> {
  const testDb: TestDatabase = await createTestDatabase("users");
  const config = parseConfig(usersEnvSchema, {
    NODE_ENV: "test",
    PORT: "0",
    DATABASE_URL: testDb.url,
    RABBITMQ_URL,
    EVENTS_EXCHANGE: uniqueTopologyName("users"),
    ROUTER_SECRET: TEST_ROUTER_SECRET,
    JWT_PRIVATE_KEY: generateSigningKeyPem(),
  });
  const log = createLogger("users-test", "silent");
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 6 });
  await migratePostgres(database.db, USERS_SERVICE_DIR);
  let queries = 0;
  const query = database.pool.query.bind(database.pool);
  database.pool.query = ((...args: Parameters<typeof query>) => {
    queries += 1;
    return query(...args);
  }) as typeof query;
  const service = await startUsersService(config, log, { database });
  return {
    queryCount: () => queries,
    resetQueryCount: () => {
      queries = 0;
    },
    url: service.server.url,
    baseUrl: service.server.url.replace(/\/graphql$/, ""),
    config,
    database,
    db: database.db,
    service,
    close: async () => {
      await service.stop();
      await testDb.drop();
    },
  };
}
