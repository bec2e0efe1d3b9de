import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { RABBITMQ_URL, uniqueTopologyName } from "@cartograph/test-datastores";
import {
  ATTEMPT_HEADER,
  connectBroker,
  ERROR_HEADER,
  eventMessageOptions,
  queueNames,
  REASON_HEADER,
  startConsumer,
  type ConsumeContext,
  type Consumer,
  type EventEnvelope,
  type IdempotencyStore,
} from "../src";
import { postgresIdempotencyStore, startOutboxRelay, type PgTransaction } from "../src/postgres";
import {
  counterValue,
  createTestbed,
  enqueueUserRegistered,
  log,
  observed,
  waitFor,
  type EventsTestbed,
} from "./harness";

type Tx = PgTransaction<Record<string, never>>;

function userRegistered(userId: string): EventEnvelope<"user.registered"> {
  return {
    id: randomUUID(),
    type: "user.registered",
    occurredAt: new Date().toISOString(),
    aggregateId: userId,
    version: 1,
    data: { userId, email: `${userId}@example.com`, name: userId },
  };
}

describe("idempotent consumer", () => {
  let bed: EventsTestbed;
  let names: ReturnType<typeof queueNames>;
  let service: string;
  const consumers: Consumer[] = [];
  /** Calls of the handler, with the attempt each was made on. */
  let calls: ConsumeContext[];

  /** The test handler's effect: one counter per user. */
  const countUser = async (event: EventEnvelope<"user.registered">, tx: Tx, context: ConsumeContext) => {
    calls.push(context);
    await tx.execute(sql`insert into counters (name, value) values (${event.data.userId}, 1)
      on conflict (name) do update set value = counters.value + 1`);
  };

  const start = async (
    options: {
      store?: IdempotencyStore<Tx>;
      handle?: typeof countUser;
      maxAttempts?: number;
      broker?: EventsTestbed["broker"];
    } = {},
  ) => {
    const consumer = await startConsumer({
      broker: options.broker ?? bed.broker,
      store: options.store ?? postgresIdempotencyStore(bed.db),
      log,
      service,
      purpose: "count-users",
      eventTypes: ["user.registered"],
      // `event` is narrowed to the chosen types: `event.data.userId` type-checks.
      handle: options.handle ?? countUser,
      maxAttempts: options.maxAttempts ?? 5,
      retryDelaysMs: [100, 200],
    });
    consumers.push(consumer);
    return consumer;
  };

  const processedCount = async () =>
    (
      await bed.db.execute<{ n: number }>(
        sql`select count(*)::int as n from processed_events where consumer = ${names.queue}`,
      )
    ).rows[0]!.n;

  beforeEach(async () => {
    bed = await createTestbed("consumer");
    service = uniqueTopologyName("svc");
    names = queueNames(service, "count-users");
    bed.inspector.forget(names.queue, names.retry, names.dlq);
    calls = [];
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
    await bed.cleanup();
  });

  it("applies an event published by the relay, recording it in the inbox with its effect", async () => {
    await start();
    const relay = startOutboxRelay({ pool: bed.pool, broker: bed.broker, log });
    bed.onCleanup(() => relay.stop());
    const envelope = await enqueueUserRegistered(bed.db, "usr_1");

    await waitFor(async () => (await counterValue(bed.db, "usr_1")) === 1, { what: "the effect" });
    const { rows } = await bed.db.execute<{ consumer: string; event_id: string }>(
      sql`select consumer, event_id from processed_events`,
    );
    expect(rows).toEqual([{ consumer: `${service}.count-users`, event_id: envelope.id }]);
    expect(calls).toEqual([{ queue: names.queue, attempt: 1 }]);
  });

  it("applies a redelivered event once", async () => {
    const { store, outcomes } = observed(postgresIdempotencyStore(bed.db));
    await start({ store });
    const envelope = userRegistered("usr_1");
    await bed.broker.publishEvent(envelope);
    await bed.broker.publishEvent(envelope);

    await waitFor(() => outcomes.length === 2, { what: "both deliveries" });
    expect(outcomes.sort()).toEqual([false, true]);
    expect(await counterValue(bed.db, "usr_1")).toBe(1);
    expect(calls).toHaveLength(1);
    expect(await processedCount()).toBe(1);
  });

  it("retries a failing handler with back-off until it succeeds", async () => {
    const consumer = await start({
      handle: async (event, tx, context) => {
        await countUser(event, tx, context); // rolled back with the failure below
        if (context.attempt < 3) throw new Error(`flaky on attempt ${context.attempt}`);
      },
    });
    await bed.broker.publishEvent(userRegistered("usr_1"));

    await waitFor(async () => (await counterValue(bed.db, "usr_1")) === 1, { what: "the third attempt" });
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    // Stopping waits for the delivery in flight to be settled (acked, or copied for a retry):
    // afterwards no attempt can run, and a fourth one would be waiting in a queue.
    consumers.splice(consumers.indexOf(consumer), 1);
    await consumer.stop();
    expect(calls).toHaveLength(3);
    expect(await counterValue(bed.db, "usr_1")).toBe(1);
    expect(await bed.inspector.messageCount(names.queue)).toBe(0);
    expect(await bed.inspector.messageCount(names.dlq)).toBe(0);
    expect(await bed.inspector.messageCount(names.retry)).toBe(0);
  });

  it("dead-letters an event whose handler keeps failing, after maxAttempts", async () => {
    await start({
      maxAttempts: 3,
      handle: async (event, tx, context) => {
        await countUser(event, tx, context);
        throw new Error("boom");
      },
    });
    const envelope = userRegistered("usr_1");
    await bed.broker.publishEvent(envelope);

    await waitFor(async () => (await bed.inspector.messageCount(names.dlq)) === 1, { what: "the DLQ" });
    const [dead] = await bed.inspector.drain(names.dlq);
    expect(JSON.parse(dead!.content.toString())).toEqual(envelope);
    expect(dead!.properties.messageId).toBe(envelope.id);
    expect(dead!.properties.headers).toMatchObject({
      [REASON_HEADER]: "max-attempts",
      [ERROR_HEADER]: "boom",
      [ATTEMPT_HEADER]: 3,
    });
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(await counterValue(bed.db, "usr_1")).toBe(0);
    expect(await processedCount()).toBe(0);
    expect(await bed.inspector.messageCount(names.queue)).toBe(0);
    expect(await bed.inspector.messageCount(names.retry)).toBe(0);
  });

  it("waits out its datastore's outage without spending attempts or dead-lettering", async () => {
    let outageCalls = 0;
    await start({
      maxAttempts: 1,
      handle: async (event, tx, context) => {
        // The first three tries meet PostgreSQL restarting (57P01), as a real outage would.
        if (outageCalls < 3) {
          outageCalls += 1;
          throw Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
        }
        await countUser(event, tx, context);
      },
    });
    await bed.broker.publishEvent(userRegistered("usr_1"));

    await waitFor(async () => (await counterValue(bed.db, "usr_1")) === 1, { what: "the store's return" });
    expect(outageCalls).toBe(3);
    // Still its first attempt: an outage is not the event's fault.
    expect(calls.map((c) => c.attempt)).toEqual([1]);
    expect(await bed.inspector.messageCount(names.dlq)).toBe(0);
  });

  it("dead-letters invalid messages at once, saying why, and keeps consuming", async () => {
    await start();
    const bad = [
      Buffer.from("not json {"),
      Buffer.from(JSON.stringify({ ...userRegistered("usr_x"), type: "user.exploded" })),
      Buffer.from(JSON.stringify({ ...userRegistered("usr_y"), data: { userId: 42 } })),
    ];
    for (const content of bad)
      await bed.broker.publish(
        "user.registered",
        content,
        eventMessageOptions({ id: randomUUID(), type: "user.registered", occurredAt: new Date() }),
      );
    await bed.broker.publishEvent(userRegistered("usr_ok"));

    await waitFor(async () => (await bed.inspector.messageCount(names.dlq)) === 3, { what: "3 messages in the DLQ" });
    const dead = await bed.inspector.drain(names.dlq);
    expect(dead.map((m) => m.content.toString())).toEqual(bad.map((b) => b.toString()));
    expect(dead.map((m) => m.properties.headers?.[REASON_HEADER])).toEqual(["invalid", "invalid", "invalid"]);
    expect(dead.map((m) => m.properties.headers?.[ERROR_HEADER])).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/unknown event type "user.exploded"/),
      expect.stringMatching(/invalid data for user.registered/),
    ]);
    await waitFor(async () => (await counterValue(bed.db, "usr_ok")) === 1, { what: "the valid event" });
    expect(calls).toHaveLength(1);
  });

  it("refuses to start on a conflicting topology instead of flapping", async () => {
    await bed.inspector.channel.assertQueue(names.queue, { durable: false });
    await expect(start()).rejects.toThrow(/PRECONDITION_FAILED/);
  });

  it("resumes consuming when its queue is deleted under it", async () => {
    await start();
    await bed.inspector.channel.deleteQueue(names.queue);
    const envelope = userRegistered("usr_1");
    // Republishing is harmless (idempotent) and covers the moment before the queue is back.
    await waitFor(
      async () => {
        await bed.broker.publishEvent(envelope);
        return (await counterValue(bed.db, "usr_1")) === 1;
      },
      { what: "the consumer to resume" },
    );
    expect(calls).toHaveLength(1);
  });

  it("survives a crash between commit and ack: the redelivery is skipped, the effect stays single", async () => {
    const crashingBroker = connectBroker({ url: RABBITMQ_URL, log, exchange: bed.exchange });
    bed.onCleanup(() => crashingBroker.close());
    const inbox = postgresIdempotencyStore(bed.db);
    let crashed = false;
    await start({
      broker: crashingBroker,
      store: {
        // The effect and inbox mark commit, then the process "dies" before acking.
        runOnce: async (consumer, eventId, apply) => {
          const applied = await inbox.runOnce(consumer, eventId, apply);
          await crashingBroker.close();
          crashed = true;
          return applied;
        },
      },
    });
    await bed.broker.publishEvent(userRegistered("usr_1"));
    await waitFor(() => crashed, { what: "the crash" });
    expect(await counterValue(bed.db, "usr_1")).toBe(1);

    // A fresh instance of the same consumer gets the unacked message again.
    const { store, outcomes } = observed(inbox);
    await start({ store });
    await waitFor(() => outcomes.length === 1, { what: "the redelivery" });
    expect(outcomes).toEqual([false]);
    expect(calls).toHaveLength(1);
    expect(await counterValue(bed.db, "usr_1")).toBe(1);
    expect(await processedCount()).toBe(1);
  });
});
