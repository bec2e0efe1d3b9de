import { setTimeout as pause } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import { connectBroker } from "../src";
import { enqueueEvent, outboxEvents, processedEvents, startOutboxRelay, type OutboxRelay } from "../src/postgres";
import {
  createTestbed,
  enqueueUserRegistered,
  listenerPid,
  log,
  messagesUpToMarker,
  publishMarker,
  waitFor,
  type EventsTestbed,
} from "./harness";

interface OutboxState {
  id: string;
  published_at: Date | null;
  publish_attempts: number;
  last_error: string | null;
}

describe("outbox relay", () => {
  let bed: EventsTestbed;
  const relays: OutboxRelay[] = [];
  const start = (options: Partial<Parameters<typeof startOutboxRelay>[0]> = {}) => {
    const relay = startOutboxRelay({ pool: bed.pool, broker: bed.broker, log, ...options });
    relays.push(relay);
    return relay;
  };
  const outbox = async () =>
    (
      await bed.pool.query<OutboxState>(
        "select id, published_at, publish_attempts, last_error from outbox_events order by occurred_at, id",
      )
    ).rows;

  beforeEach(async () => {
    bed = await createTestbed("relay");
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await bed.cleanup();
  });

  it("test fixture creates the tables as src/tables.ts declares them", async () => {
    for (const table of [outboxEvents, processedEvents]) {
      const { name, columns } = getTableConfig(table);
      const { rows } = await bed.pool.query<{ column_name: string; data_type: string; is_nullable: string }>(
        "select column_name, data_type, is_nullable from information_schema.columns where table_name = $1",
        [name],
      );
      const actual = rows.map((r) => [r.column_name, r.data_type, r.is_nullable === "NO"]).sort();
      const declared = columns.map((c) => [c.name, c.getSQLType(), c.notNull]).sort();
      expect(actual).toEqual(declared);
    }
  });

  it("publishes an event committed with its transaction exactly once, woken by NOTIFY, and marks it published", async () => {
    const queue = await bed.inspector.bindQueue(["user.registered"]);
    // A poll this long means only the LISTEN/NOTIFY path can deliver within the wait below.
    const relay = start({ pollIntervalMs: 60_000 });
    await waitFor(() => listenerPid(bed.pool), { what: "the relay to LISTEN" });

    const envelope = await enqueueUserRegistered(bed.db, "usr_1");
    const [message] = await waitFor(
      async () => {
        const got = await bed.inspector.drain(queue);
        return got.length > 0 && got;
      },
      { timeoutMs: 5_000, what: "the event on the queue" },
    );

    expect(JSON.parse(message!.content.toString())).toEqual(envelope);
    expect(message!.fields.routingKey).toBe("user.registered");
    expect(message!.properties).toMatchObject({
      messageId: envelope.id,
      type: "user.registered",
      contentType: "application/json",
      deliveryMode: 2,
      timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
    });
    const [row] = await outbox();
    expect(row).toMatchObject({ id: envelope.id, publish_attempts: 0, last_error: null });
    expect(row!.published_at).toBeInstanceOf(Date);

    expect(await relay.flushOnce()).toBe(0);
    // No second copy: a later event through the same outbox and relay arrives with nothing before it.
    const marker = () => enqueueUserRegistered(bed.db, "usr_marker");
    expect(await messagesUpToMarker(bed.inspector, queue, marker)).toEqual([]);
  });

  it("re-establishes its LISTEN connection when PostgreSQL drops it", async () => {
    const queue = await bed.inspector.bindQueue(["user.registered"]);
    start({ pollIntervalMs: 60_000 });
    const first = await waitFor(() => listenerPid(bed.pool), { what: "the LISTEN connection" });
    await bed.pool.query("select pg_terminate_backend($1)", [first]);
    await waitFor(
      async () => {
        const pid = await listenerPid(bed.pool);
        return pid !== undefined && pid !== first;
      },
      { what: "a new LISTEN connection" },
    );

    const envelope = await enqueueUserRegistered(bed.db, "usr_1");
    const messages = await waitFor(
      async () => {
        const got = await bed.inspector.drain(queue);
        return got.length > 0 && got;
      },
      { timeoutMs: 5_000, what: "the event, woken by NOTIFY on the new connection" },
    );
    expect(messages.map((m) => m.properties.messageId)).toEqual([envelope.id]);
  });

  it("never publishes an event whose transaction rolled back", async () => {
    const queue = await bed.inspector.bindQueue(["user.registered"]);
    const relay = start();
    await expect(
      bed.db.transaction(async (tx) => {
        await enqueueEvent(tx, {
          type: "user.registered",
          aggregateId: "usr_ghost",
          data: { userId: "usr_ghost", email: "g@example.com", name: "G" },
        });
        tx.rollback();
      }),
    ).rejects.toThrow();
    const kept = await enqueueUserRegistered(bed.db, "usr_real");

    await waitFor(
      async () => {
        const rows = await outbox();
        return rows.length > 0 && rows.every((row) => row.published_at);
      },
      { what: "the committed event to be published" },
    );
    await relay.flushOnce();
    const bodies = (await bed.inspector.drain(queue)).map((m) => JSON.parse(m.content.toString()));
    expect(bodies).toEqual([kept]);
    expect((await outbox()).map((row) => row.id)).toEqual([kept.id]);
  });

  it("delivers everything enqueued while it was stopped, once, after a restart", async () => {
    const queue = await bed.inspector.bindQueue(["user.registered"]);
    await start().stop();

    const envelopes = [];
    for (let i = 0; i < 5; i++) {
      envelopes.push(await enqueueUserRegistered(bed.db, `usr_${i}`));
      // Not synchronisation: distinct occurredAt, so "oldest first" is observable.
      await pause(5);
    }
    // The stopped relay published nothing: a marker sent through its broker arrives alone.
    expect(await messagesUpToMarker(bed.inspector, queue, () => publishMarker(bed.broker))).toEqual([]);
    expect((await outbox()).filter((row) => row.published_at)).toHaveLength(0);

    start();
    await waitFor(async () => (await outbox()).every((row) => row.published_at), { what: "all 5 to be published" });
    // Everything published before a later event through the same outbox has arrived ahead of it.
    const marker = () => enqueueUserRegistered(bed.db, "usr_marker");
    const ids = (await messagesUpToMarker(bed.inspector, queue, marker)).map((m) => m.properties.messageId as string);
    expect(ids).toEqual(envelopes.map((e) => e.id)); // once each, oldest first
    // The marker's row is marked published when its confirm is committed, which may follow its delivery.
    await waitFor(async () => (await outbox()).every((row) => row.published_at), { what: "the marker's row" });
    expect((await outbox()).map((row) => Boolean(row.published_at))).toEqual([true, true, true, true, true, true]);
  });

  it("records a failed publish, keeps the event, and publishes it once the broker is reachable", async () => {
    const queue = await bed.inspector.bindQueue(["user.registered"]);
    const unreachable = connectBroker({
      url: "amqp://guest:guest@127.0.0.1:1",
      log,
      exchange: bed.exchange,
      publishTimeoutMs: 200,
    });
    bed.onCleanup(() => unreachable.close());
    await expect(unreachable.ping()).rejects.toThrow(/not connected/);

    const envelope = await enqueueUserRegistered(bed.db, "usr_1");
    const failing = start({ broker: unreachable, pollIntervalMs: 60_000 });
    expect(await failing.flushOnce()).toBe(0);
    const [row] = await outbox();
    expect(row!.published_at).toBeNull();
    expect(row!.publish_attempts).toBeGreaterThanOrEqual(1);
    expect(row!.last_error).toMatch(/timeout/);
    await failing.stop();

    start();
    await waitFor(async () => (await bed.inspector.messageCount(queue)) === 1, { what: "the event after recovery" });
    expect((await bed.inspector.drain(queue)).map((m) => m.properties.messageId)).toEqual([envelope.id]);
    await waitFor(async () => (await outbox())[0]!.published_at, { what: "published_at" });
  });

  it("lets several relays drain one outbox without publishing any event twice", async () => {
    const queue = await bed.inspector.bindQueue(["user.registered"]);
    const values = Array.from({ length: 40 }, (_, i) => ({
      type: "user.registered" as const,
      aggregateId: `usr_${i}`,
      data: { userId: `usr_${i}`, email: `u${i}@example.com`, name: `U${i}` },
    }));
    await bed.db.transaction(async (tx) => {
      for (const value of values) await enqueueEvent(tx, value);
    });
    const replicas = [start({ batchSize: 3 }), start({ batchSize: 3 }), start({ batchSize: 3 })];
    await Promise.all(replicas.map((relay) => relay.flushOnce()));

    await waitFor(
      async () =>
        (
          await bed.db.execute<{ n: number }>(
            sql`select count(*)::int as n from outbox_events where published_at is null`,
          )
        ).rows[0]!.n === 0,
      {
        what: "the outbox to drain",
      },
    );
    const marker = () => enqueueUserRegistered(bed.db, "usr_marker");
    const ids = (await messagesUpToMarker(bed.inspector, queue, marker)).map((m) => m.properties.messageId as string);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });
});
