import path from "node:path";
import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { timestamp } from "drizzle-orm/pg-core";
import pg from "pg";
import type { z } from "zod";
import { runServiceCommand } from "./lifecycle";
import type { Logger } from "./logger";
import { poolConnections, poolMaxConnections, poolWaiting } from "./metrics/pools";

export interface Database<TSchema extends Record<string, unknown>> {
  pool: pg.Pool;
  db: NodePgDatabase<TSchema>;
  /** For `/readyz`. */
  ping: () => Promise<void>;
  close: () => Promise<void>;
}

export function connectPostgres<TSchema extends Record<string, unknown>>(
  url: string,
  schema: TSchema,
  log: Logger,
  { max = 10 }: { max?: number } = {},
): Database<TSchema> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // A connection lost while the server restarts must not crash the process. Every client gets its
  // own listener for as long as it lives: pg emits "error" on a client that is checked out but
  // idle (a transaction awaiting the broker's confirms, say), where the pool's listener is not.
  // Its query in flight fails and is retried or reported; the pool replaces the client.
  pool.on("connect", (client) => {
    client.on("error", (error) => log.warn({ err: error }, "PostgreSQL connection lost"));
  });
  // The pool re-emits an idle client's error, already logged by the client's own listener.
  pool.on("error", () => undefined);
  // Read at scrape time from the pool's own counters: no query, nothing to wait for.
  const database = databaseOf(pool);
  const measured = [
    poolConnections.from(() => [
      { labels: { database, state: "busy" }, value: pool.totalCount - pool.idleCount },
      { labels: { database, state: "idle" }, value: pool.idleCount },
    ]),
    poolMaxConnections.from(() => [{ labels: { database }, value: max }]),
    poolWaiting.from(() => [{ labels: { database }, value: pool.waitingCount }]),
  ];
  return {
    pool,
    db: drizzle(pool, { schema }),
    ping: async () => {
      await pool.query("select 1");
    },
    close: async () => {
      await Promise.all(measured.map((registration) => registration.stop()));
      await pool.end();
    },
  };
}

/** The database a pool connects to (a metrics label: one per service, never per request). */
export function databaseOf(pool: pg.Pool): string {
  const { database, connectionString } = pool.options;
  if (database) return database;
  try {
    return decodeURIComponent(new URL(connectionString ?? "").pathname.slice(1)) || "unknown";
  } catch {
    return "unknown";
  }
}

/** Applies the checked-in drizzle migrations in `<serviceDir>/drizzle`. */
export async function migratePostgres(db: NodePgDatabase<Record<string, unknown>>, serviceDir: string): Promise<void> {
  await migrate(db, { migrationsFolder: path.join(serviceDir, "drizzle") });
}

/** PostgreSQL's unique_violation, optionally on a given constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = (error as { cause?: unknown })?.cause ?? error;
  const { code, constraint: violated } = (pgError ?? {}) as { code?: string; constraint?: string };
  return code === "23505" && (constraint === undefined || violated === constraint);
}

/**
 * A `timestamptz` stamped at creation, truncated to milliseconds: JavaScript dates carry only
 * milliseconds, so a keyset cursor built from one must match the stored value exactly.
 */
export const createdAtColumn = (name = "created_at") =>
  timestamp(name, { withTimezone: true, mode: "date" }).notNull().default(sql`date_trunc('milliseconds', now())`);

/** `pnpm migrate` of a PostgreSQL service (`src/bin/migrate.ts`): its checked-in drizzle migrations. */
export function runMigrations<S extends z.ZodType>(service: string, envSchema: S, serviceDir: string): void {
  runServiceCommand(service, "migrate", envSchema, async (config, log) => {
    const database = connectPostgres((config as { DATABASE_URL: string }).DATABASE_URL, {}, log, { max: 1 });
    try {
      await migratePostgres(database.db, serviceDir);
      log.info(`${service} database migrated`);
    } finally {
      await database.close();
    }
  });
}
export { newestFirstPage } from "./keyset";
