import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { connect, type Channel, type GetMessage } from "amqplib";
import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import pino from "pino";
import { createTestDatabase, RABBITMQ_URL, uniqueTopologyName, waitFor } from "@cartograph/test-datastores";
import { connectBroker, type Broker, type IdempotencyStore } from "../src";
import { enqueueEvent } from "../src/postgres";

export { waitFor };

export const log = pino({ level: process.env.LOG_LEVEL ?? "silent" });

const FIXTURE = readFileSync(path.join(__dirname, "fixtures", "event-tables.sql"), "utf8");

export type TestDb = NodePgDatabase<Record<string, never>>;

/** A fresh database with the event tables, a broker on a fresh exchange, and a raw AMQP channel to look at queues. */
export interface EventsTestbed {
  pool: pg.Pool;
  db: TestDb;
  exchange: string;
  broker: Broker;
  inspector: Inspector;
  /** Also closes brokers and other things registered with `onCleanup`. */
  cleanup(): Promise<void>;
  onCleanup(step: () => Promise<unknown>): void;
}

export async function createTestbed(label: string): Promise<EventsTestbed> {
  const database = await createTestDatabase(`events_${label}`);
  const pool = new pg.Pool({ connectionString: database.url, max: 5 });
  pool.on("error", () => undefined);
  await pool.query(FIXTURE);
  const exchange = uniqueTopologyName(label);
  const broker = connectBroker({ url: RABBITMQ_URL, log, exchange });
  const inspector = await openInspector(exchange);
  // Last registered runs first: users of the broker stop before it closes.
  const steps: (() => Promise<unknown>)[] = [
    () => database.drop(),
    () => pool.end(),
    () => inspector.close(),
    () => broker.close(),
  ];
  return {
    pool,
    db: drizzle(pool),
    exchange,
    broker,
    inspector,
    onCleanup: (step) => steps.push(step),
    cleanup: async () => {
      // Every step runs even if one fails, so a failed test leaves no connections open.
      const failures: unknown[] = [];
      for (const step of steps.reverse()) await step().catch((error: unknown) => failures.push(error));
      if (failures.length) throw failures[0];
    },
  };
}

export interface Inspector {
  /** A plain amqplib channel, to tamper with the topology. */
  channel: Channel;
  /** A new exclusive queue bound to the exchange for these routing keys. */
  bindQueue(routingKeys: string[]): Promise<string>;
  /** Takes (acks) every message currently in `queue`. */
  drain(queue: string): Promise<GetMessage[]>;
  messageCount(queue: string): Promise<number>;
  /** Deletes these queues (the exchange is deleted on close). */
  forget(...queues: string[]): void;
  close(): Promise<void>;
}

async function openInspector(exchange: string): Promise<Inspector> {
  const connection = await connect(RABBITMQ_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, "topic", { durable: true });
  const forgotten: string[] = [];
  return {
    channel,
    bindQueue: async (routingKeys) => {
      const { queue } = await channel.assertQueue("", { exclusive: true });
      for (const key of routingKeys) await channel.bindQueue(queue, exchange, key);
      return queue;
    },
    drain: async (queue) => {
      const messages: GetMessage[] = [];
      for (
        let message = await channel.get(queue, { noAck: true });
        message;
        message = await channel.get(queue, { noAck: true })
      ) {
        messages.push(message);
      }
      return messages;
    },
    messageCount: async (queue) => (await channel.checkQueue(queue)).messageCount,
    forget: (...queues) => forgotten.push(...queues),
    close: async () => {
      for (const queue of forgotten) await channel.deleteQueue(queue);
      await channel.deleteExchange(exchange);
      await connection.close();
    },
  };
}

/**
 * The pid of this database's connection that has finished a LISTEN (the relay's listener), if
 * any: once it is idle after its LISTEN, a NOTIFY reaches it.
 */
export async function listenerPid(pool: pg.Pool): Promise<number | undefined> {
  const { rows } = await pool.query<{ pid: number }>(
    `select pid from pg_stat_activity
     where datname = current_database() and state = 'idle' and query ilike 'LISTEN %'`,
  );
  return rows[0]?.pid;
}

/** Publishes a `user.registered` straight through the broker (no outbox): a marker behind what it has published. */
export async function publishMarker(broker: Broker): Promise<{ id: string }> {
  const envelope = {
    id: randomUUID(),
    type: "user.registered" as const,
    occurredAt: new Date().toISOString(),
    aggregateId: "usr_marker",
    version: 1,
    data: { userId: "usr_marker", email: "marker@example.com", name: "Marker" },
  };
  await broker.publishEvent(envelope);
  return envelope;
}

/**
 * Every message `queue` holds up to a marker: `sendMarker` sends one (through the path the test
 * wants to see drained) and this takes messages until it arrives. A queue is FIFO, so whatever
 * was published on that path before the marker has arrived by then. Returns the others.
 */
export async function messagesUpToMarker(
  inspector: Inspector,
  queue: string,
  sendMarker: () => Promise<{ id: string }>,
): Promise<GetMessage[]> {
  const { id } = await sendMarker();
  const taken: GetMessage[] = [];
  await waitFor(
    async () => {
      taken.push(...(await inspector.drain(queue)));
      return taken.some((message) => message.properties.messageId === id);
    },
    { what: `the marker ${id} on ${queue}` },
  );
  return taken.filter((message) => message.properties.messageId !== id);
}

export async function enqueueUserRegistered(db: TestDb, userId: string) {
  return db.transaction((tx) =>
    enqueueEvent(tx, {
      type: "user.registered",
      aggregateId: userId,
      data: { userId, email: `${userId}@example.com`, name: userId },
    }),
  );
}

export async function counterValue(db: TestDb, name: string): Promise<number> {
  const { rows } = await db.execute<{ value: number }>(sql`select value from counters where name = ${name}`);
  return rows[0]?.value ?? 0;
}

/** Wraps an inbox to record each outcome: `true` applied, `false` skipped as a duplicate. */
export function observed<Tx>(inner: IdempotencyStore<Tx>) {
  const outcomes: boolean[] = [];
  const store: IdempotencyStore<Tx> = {
    runOnce: async (consumer, eventId, apply) => {
      const applied = await inner.runOnce(consumer, eventId, apply);
      outcomes.push(applied);
      return applied;
    },
  };
  return { store, outcomes };
}
