import { MongoBulkWriteError, MongoClient, MongoServerError, type Db } from "mongodb";
import type { z } from "zod";
import { runServiceCommand } from "./lifecycle";
import type { Logger } from "./logger";
import { poolConnections, poolMaxConnections, poolWaiting } from "./metrics/pools";

export interface MongoStore {
  client: MongoClient;
  /** The database named in the URL's path. */
  db: Db;
  /** For `/readyz`. */
  ping: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * Connects lazily (the driver connects on first use and reconnects by itself). Only what both
 * MongoDB and FerretDB support is used across the services: no multi-document transactions,
 * no `$slice` on `$push`, one accumulator per `$group`.
 */
export function connectMongo(
  url: string,
  log: Logger,
  {
    maxPoolSize = 10,
    monitorCommands = false,
    socketTimeoutMs = 5_000,
  }: {
    maxPoolSize?: number;
    monitorCommands?: boolean;
    /**
     * A server that stops answering (frozen, partitioned) fails a command after this long instead
     * of hanging it: a request then gets SERVICE_UNAVAILABLE well within the router's timeout.
     * Long commands (a rebuild) pass more.
     */
    socketTimeoutMs?: number;
  } = {},
): MongoStore {
  const client = new MongoClient(url, {
    maxPoolSize,
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    socketTimeoutMS: socketTimeoutMs,
    monitorCommands,
    appName: "cartograph",
  });
  client.on("serverHeartbeatFailed", (event) =>
    log.warn({ failure: String(event.failure) }, "MongoDB heartbeat failed"),
  );
  const db = client.db();
  if (db.databaseName === "test") {
    // The driver's silent fallback when the URL names no database: say so rather than share one.
    log.warn("MONGODB_URL names no database; using `test`");
  }
  const measured = measurePool(client, db.databaseName, maxPoolSize);
  return {
    client,
    db,
    ping: async () => {
      await db.command({ ping: 1 });
    },
    close: async () => {
      await measured.stop();
      await client.close();
    },
  };
}

/**
 * The driver's pool use, for the metrics: counted from its connection pool events (emitted
 * whatever the monitoring options), so a scrape costs nothing here.
 */
function measurePool(client: MongoClient, database: string, maxPoolSize: number): { stop(): Promise<void> } {
  const count = { open: 0, busy: 0, waiting: 0 };
  client.on("connectionCreated", () => (count.open += 1));
  client.on("connectionClosed", () => (count.open -= 1));
  client.on("connectionCheckedOut", () => {
    count.busy += 1;
    count.waiting -= 1;
  });
  client.on("connectionCheckedIn", () => (count.busy -= 1));
  client.on("connectionCheckOutStarted", () => (count.waiting += 1));
  client.on("connectionCheckOutFailed", () => (count.waiting -= 1));
  const registrations = [
    poolConnections.from(() => [
      { labels: { database, state: "busy" }, value: Math.max(0, count.busy) },
      { labels: { database, state: "idle" }, value: Math.max(0, count.open - count.busy) },
    ]),
    // Per server: a replica set's pools together may open this many times its members.
    poolMaxConnections.from(() => [{ labels: { database }, value: maxPoolSize }]),
    poolWaiting.from(() => [{ labels: { database }, value: Math.max(0, count.waiting) }]),
  ];
  return { stop: async () => void (await Promise.all(registrations.map((registration) => registration.stop()))) };
}

/** MongoDB's duplicate key error (a unique index, or a guarded upsert whose guard did not match). */
export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Awaits a write whose duplicate-key failures mean "already done": guarded upserts (the guard
 * did not match, so the upsert tried to insert an existing _id) or inserts of a fact seen before.
 * Any other failure is thrown.
 */
export async function ignoringDuplicateKeys<T>(write: Promise<T>): Promise<T | null> {
  try {
    return await write;
  } catch (error) {
    if (isDuplicateKeyError(error)) return null;
    if (error instanceof MongoBulkWriteError) {
      const failures = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (failures.length > 0 && failures.every((failure) => failure.code === 11000)) return null;
    }
    throw error;
  }
}

/** `pnpm migrate` of a MongoDB service (`src/bin/migrate.ts`): its indexes (there is no schema to migrate). */
export function runMongoMigrations<S extends z.ZodType>(
  service: string,
  envSchema: S,
  ensureIndexes: (db: Db) => Promise<void>,
): void {
  runServiceCommand(service, "migrate", envSchema, async (config, log) => {
    const store = connectMongo((config as { MONGODB_URL: string }).MONGODB_URL, log, {
      maxPoolSize: 1,
      socketTimeoutMs: 600_000,
    });
    try {
      await ensureIndexes(store.db);
      log.info(`${service} indexes ensured`);
    } finally {
      await store.close();
    }
  });
}
