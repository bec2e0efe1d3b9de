import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { RABBITMQ_URL, uniqueTopologyName } from "@cartograph/test-datastores";
import { connectBroker, queueNames, startConsumer, type Consumer } from "../src";
import { postgresIdempotencyStore } from "../src/postgres";
import { counterValue, createTestbed, log, waitFor, type EventsTestbed } from "./harness";

describe("broker", () => {
  let bed: EventsTestbed;

  beforeEach(async () => {
    bed = await createTestbed("broker");
  });

  afterEach(async () => {
    await bed.cleanup();
  });

  it("answers ping while connected and refuses it once closed", async () => {
    const broker = connectBroker({ url: RABBITMQ_URL, log, exchange: bed.exchange });
    await expect(waitFor(() => broker.isConnected(), { what: "the connection" })).resolves.toBe(true);
    await expect(broker.ping()).resolves.toBe(true);
    await broker.close();
    await expect(broker.ping()).rejects.toThrow(/not connected/);
  });

  it("reconnects after the broker kills a channel, re-declares its topology, and consumers resume", async () => {
    const service = uniqueTopologyName("svc");
    const names = queueNames(service, "count-users");
    bed.inspector.forget(names.queue, names.retry, names.dlq);
    const consumer: Consumer = await startConsumer({
      broker: bed.broker,
      store: postgresIdempotencyStore(bed.db),
      log,
      service,
      purpose: "count-users",
      eventTypes: ["user.registered"],
      handle: async (event, tx) => {
        await tx.execute(sql`insert into counters (name, value) values (${event.data.userId}, 1)
          on conflict (name) do update set value = counters.value + 1`);
      },
    });
    bed.onCleanup(() => consumer.stop());

    // Deleting the exchange drops the consumer's bindings; the next publish gets a 404 that
    // closes the publisher channel, so only a reconnect with setup re-run can heal both.
    await bed.inspector.channel.deleteExchange(bed.exchange);
    const envelope = {
      id: randomUUID(),
      type: "user.registered" as const,
      occurredAt: new Date().toISOString(),
      aggregateId: "usr_2",
      version: 1,
      data: { userId: "usr_2", email: "u2@example.com", name: "U2" },
    };
    // Republishing the same event is harmless (idempotent consumer) and covers the moment
    // between the exchange coming back and the consumer's queue being bound to it again.
    await waitFor(
      async () => {
        // The publish that meets the 404 fails (the relay would record and retry it).
        await bed.broker.publishEvent(envelope).catch(() => undefined);
        return (await counterValue(bed.db, "usr_2")) === 1;
      },
      { timeoutMs: 20_000, what: "the consumer to resume after the reconnect" },
    );
    expect(bed.broker.isConnected()).toBe(true);
    expect(await counterValue(bed.db, "usr_2")).toBe(1);
  });
});
