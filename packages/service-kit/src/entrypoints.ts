import { writeFileSync } from "node:fs";
import type { GraphQLSchema } from "graphql";
import type { Db } from "mongodb";
import type { z } from "zod";
import { loadConfigOrExit } from "./config";
import { connectPostgres, migratePostgres } from "./db";
import { printSubgraphSdl } from "./federation";
import { stopOnSignals } from "./lifecycle";
import { createLogger, type Logger } from "./logger";
import { connectMongo } from "./mongo";

/** Ends a command-line process with a one-line reason instead of an unhandled rejection. */
export function runCommand(label: string, command: () => Promise<void>): void {
  command().catch((error: unknown) => {
    process.stderr.write(`[${label}] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

/** `src/main.ts` of every service: config -> start -> stop gracefully on SIGTERM/SIGINT. */
export function runService<S extends z.ZodType>(
  service: string,
  envSchema: S,
  start: (config: z.infer<S>, log: Logger) => Promise<{ stop: () => Promise<void> }>,
): void {
  runCommand(service, async () => {
    const config = loadConfigOrExit(service, envSchema);
    const log = createLogger(service, (config as { LOG_LEVEL?: string }).LOG_LEVEL);
    const running = await start(config, log);
    stopOnSignals(log, [running.stop]);
  });
}

/** `pnpm migrate` of a PostgreSQL service: its checked-in drizzle migrations. */
export function runMigrations<S extends z.ZodType>(service: string, envSchema: S, serviceDir: string): void {
  runCommand(`${service}-migrate`, async () => {
    const config = loadConfigOrExit(service, envSchema) as { DATABASE_URL: string; LOG_LEVEL?: string };
    const log = createLogger(`${service}-migrate`, config.LOG_LEVEL);
    const database = connectPostgres(config.DATABASE_URL, {}, log, { max: 1 });
    try {
      await migratePostgres(database.db, serviceDir);
      log.info(`${service} database migrated`);
    } finally {
      await database.close();
    }
  });
}

/** `pnpm migrate` of a MongoDB service: its indexes (there is no schema to migrate). */
export function runMongoMigrations<S extends z.ZodType>(
  service: string,
  envSchema: S,
  ensureIndexes: (db: Db) => Promise<void>,
): void {
  runCommand(`${service}-migrate`, async () => {
    const config = loadConfigOrExit(service, envSchema) as { MONGODB_URL: string; LOG_LEVEL?: string };
    const log = createLogger(`${service}-migrate`, config.LOG_LEVEL);
    const store = connectMongo(config.MONGODB_URL, log, { maxPoolSize: 1 });
    try {
      await ensureIndexes(store.db);
      log.info(`${service} indexes ensured`);
    } finally {
      await store.close();
    }
  });
}

/** `pnpm schema:print`: writes the checked-in SDL that composition reads. */
export function printSchemaFile(service: string, file: string, build: () => Promise<GraphQLSchema>): void {
  runCommand(`${service}-schema`, async () => {
    writeFileSync(file, printSubgraphSdl(await build()));
  });
}
