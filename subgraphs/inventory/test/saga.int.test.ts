import { randomUUID } from "node:crypto";
import { parseEnvelope, type EventData, type EventEnvelope, type EventOf, type EventType } from "@cartograph/events";
import { queueOwner } from "@cartograph/service-kit";
import { RABBITMQ_URL } from "@cartograph/testing";
import { connect, type Channel, type ChannelModel } from "amqplib";
import { checkoutQueues } from "../src/reservation/reservation.events";
import { startInventoryHarness, stockRow, stockVariant, uniqueId, waitFor, type InventoryHarness } from "./harness";

type Answer = EventOf<"inventory.reserved" | "inventory.rejected">;

/** A queue of our own on the harness's exchange, recording every answer inventory publishes. */
async function observeAnswers(exchange: string) {
  const connection: ChannelModel = await connect(RABBITMQ_URL);
  const channel: Channel = await connection.createChannel();
  const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true });
  for (const type of ["inventory.reserved", "inventory.rejected"]) await channel.bindQueue(queue, exchange, type);
  const received: Answer[] = [];
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const event = parseEnvelope(JSON.parse(message.content.toString("utf8")));
      if (event.type === "inventory.reserved" || event.type === "inventory.rejected") received.push(event);
    },
    { noAck: true },
  );
  return {
    to: (orderId: string) => received.filter((answer) => answer.data.orderId === orderId),
    /** Messages waiting in one of the service's queues (the checkout queue's retry or dead-letter queue). */
    waiting: async (queueName: string) => (await channel.checkQueue(queueName)).messageCount,
    close: () => connection.close(),
  };
}

let inventory: InventoryHarness;
let answers: Awaited<ReturnType<typeof observeAnswers>>;
let queues: ReturnType<typeof checkoutQueues>;

beforeAll(async () => {
  inventory = await startInventoryHarness();
  answers = await observeAnswers(inventory.config.EVENTS_EXCHANGE);
  queues = checkoutQueues(queueOwner("inventory", inventory.config.EVENTS_QUEUE_NAMESPACE));
});
afterAll(async () => {
  await answers?.close();
  await inventory?.close();
});

function envelope<T extends EventType>(type: T, aggregateId: string, data: EventData<T>): EventEnvelope<T> {
  return { id: randomUUID(), type, occurredAt: new Date().toISOString(), aggregateId, version: 1, data };
}

interface Line {
  variantId: string;
  quantity: number;
}
const price = { amount: 1000, currencyCode: "USD" };
const orderLines = (lines: Line[]) => lines.map((line) => ({ ...line, productId: "prd_saga", unitPrice: price }));

const placed = (orderId: string, lines: Line[]) =>
  envelope("order.placed", orderId, {
    orderId,
    userId: "usr_saga",
    lines: orderLines(lines),
    total: price,
    paymentToken: "tok_visa",
  });
const paid = (orderId: string, lines: Line[]) =>
  envelope("order.paid", orderId, {
    orderId,
    userId: "usr_saga",
    lines: orderLines(lines),
    paidAt: new Date().toISOString(),
  });
const cancelled = (orderId: string) =>
  envelope("order.cancelled", orderId, { orderId, userId: "usr_saga", reason: "changed my mind" });
const refunded = (orderId: string) => envelope("order.refunded", orderId, { orderId, userId: "usr_saga" });
/** The same notice sent again as a new event (a new id): the inbox cannot recognise it, the service must. */
const resent = <T extends EventType>(event: EventEnvelope<T>): EventEnvelope<T> => ({ ...event, id: randomUUID() });

const isProcessed = async (eventId: string) =>
  (
    await inventory.database.pool.query("select 1 from processed_events where consumer = $1 and event_id = $2", [
      queues.queue,
      eventId,
    ])
  ).rowCount === 1;

/** Publishes the event as orders would and waits until the checkout consumer has applied it. */
async function deliver(event: EventEnvelope): Promise<void> {
  await inventory.broker.publishEvent(event);
  await waitFor(() => isProcessed(event.id), { what: `${event.type} ${event.id} to be applied` });
}

/** The same envelope delivered again (the inbox's case), then a re-sent copy (the service's case), applied. */
async function redeliver(event: EventEnvelope): Promise<void> {
  await inventory.broker.publishEvent(event);
  await deliver(resent(event));
}

const answerOf = (orderId: string) =>
  waitFor(() => answers.to(orderId)[0], { what: `inventory's answer to ${orderId}` });

/** What inventory has committed to announce about an order (deterministic, unlike what has reached the broker yet). */
const announced = async (orderId: string) =>
  (
    await inventory.database.pool.query<{ type: string }>(
      "select type from outbox_events where aggregate_id = $1 order by occurred_at",
      [orderId],
    )
  ).rows.map((row) => row.type);

const statuses = async (orderId: string) =>
  (
    await inventory.database.pool.query<{ line: string }>(
      "select variant_id || ':' || quantity || ':' || status as line from reservations where order_id = $1 order by variant_id",
      [orderId],
    )
  ).rows.map((row) => row.line);

/** The hold outlives its time limit, as if the saga got stuck. */
const expire = (orderId: string) =>
  inventory.database.pool.query(
    "update reservations set expires_at = now() - interval '1 second' where order_id = $1",
    [orderId],
  );

describe("inventory's part of the checkout saga", () => {
  it("consumes from the inventory.checkout queue unless told otherwise", () => {
    expect(checkoutQueues(queueOwner("inventory", ""))).toEqual({
      queue: "inventory.checkout",
      retry: "inventory.checkout.retry",
      dlq: "inventory.checkout.dlq",
    });
  });

  it("order.placed with enough stock reserves it and announces inventory.reserved, once however often it is delivered", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    const orderId = uniqueId("ord");
    const order = placed(orderId, [{ variantId, quantity: 3 }]);
    await deliver(order);

    expect(await answerOf(orderId)).toMatchObject({
      type: "inventory.reserved",
      aggregateId: orderId,
      data: { orderId },
    });
    expect(await statuses(orderId)).toEqual([`${variantId}:3:HELD`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 10, reserved: 3 });

    // Stock runs out, then the order arrives again: it keeps its reservation and gets no second answer.
    await inventory.database.pool.query("update stock_levels set on_hand = 3 where variant_id = $1", [variantId]);
    await redeliver(order);
    expect(await statuses(orderId)).toEqual([`${variantId}:3:HELD`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 3, reserved: 3 });
    expect(await announced(orderId)).toEqual(["inventory.reserved"]);
    expect(answers.to(orderId).map((answer) => answer.type)).toEqual(["inventory.reserved"]);
  });

  it("order.placed with a short line reserves nothing and announces inventory.rejected with the shortage", async () => {
    const plenty = await stockVariant(inventory, { onHand: 10 });
    const scarce = await stockVariant(inventory, { onHand: 1 });
    const orderId = uniqueId("ord");
    const order = placed(orderId, [
      { variantId: plenty.variantId, quantity: 2 },
      { variantId: scarce.variantId, quantity: 4 },
    ]);
    await deliver(order);

    expect(await answerOf(orderId)).toMatchObject({
      type: "inventory.rejected",
      data: { orderId, shortages: [{ variantId: scarce.variantId, requested: 4, available: 1 }] },
    });
    expect(await statuses(orderId)).toEqual([]);
    expect(await stockRow(inventory, plenty.variantId)).toMatchObject({ on_hand: 10, reserved: 0 });
    expect(await stockRow(inventory, scarce.variantId)).toMatchObject({ on_hand: 1, reserved: 0 });

    // Stock arrives, then the order arrives again: the rejection stands, unannounced a second time.
    await inventory.database.pool.query("update stock_levels set on_hand = 10 where variant_id = $1", [
      scarce.variantId,
    ]);
    await redeliver(order);
    expect(await statuses(orderId)).toEqual([]);
    expect(await announced(orderId)).toEqual(["inventory.rejected"]);
  });

  it("30 orders at once for the last 10 units: exactly 10 reserved and 20 rejected, and available never below 0", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    const orderIds = Array.from({ length: 30 }, (_, i) => uniqueId(`ord_race${i}`));
    let polling = true;
    const seen: number[] = [];
    const polls = (async () => {
      while (polling) {
        const row = await stockRow(inventory, variantId);
        seen.push(row!.on_hand - row!.reserved);
      }
    })();
    try {
      await Promise.all(
        orderIds.map((orderId) => inventory.broker.publishEvent(placed(orderId, [{ variantId, quantity: 1 }]))),
      );
      await waitFor(() => orderIds.every((orderId) => answers.to(orderId).length > 0), {
        what: "an answer to every order",
        timeoutMs: 30_000,
      });
    } finally {
      polling = false;
      await polls;
    }

    const all = orderIds.flatMap((orderId) => answers.to(orderId));
    expect(all).toHaveLength(30);
    expect(all.filter((answer) => answer.type === "inventory.reserved")).toHaveLength(10);
    const rejected = all.filter((answer) => answer.type === "inventory.rejected");
    expect(rejected).toHaveLength(20);
    for (const answer of rejected)
      expect(answer.data).toEqual({
        orderId: answer.data.orderId,
        shortages: [{ variantId, requested: 1, available: 0 }],
      });
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 10, reserved: 10 });
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
  });

  it("order.paid commits the hold: its units leave stock on hand, once", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    const orderId = uniqueId("ord");
    const lines = [{ variantId, quantity: 4 }];
    await deliver(placed(orderId, lines));

    const payment = paid(orderId, lines);
    await deliver(payment);
    expect(await statuses(orderId)).toEqual([`${variantId}:4:COMMITTED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 6, reserved: 0 });

    await redeliver(payment);
    expect(await statuses(orderId)).toEqual([`${variantId}:4:COMMITTED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 6, reserved: 0 });
  });

  it("order.cancelled releases the hold, once", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    const orderId = uniqueId("ord");
    await deliver(placed(orderId, [{ variantId, quantity: 4 }]));

    const cancellation = cancelled(orderId);
    await deliver(cancellation);
    expect(await statuses(orderId)).toEqual([`${variantId}:4:RELEASED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 10, reserved: 0 });

    await redeliver(cancellation);
    expect(await statuses(orderId)).toEqual([`${variantId}:4:RELEASED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 10, reserved: 0 });
  });

  it("order.refunded after order.paid restocks the units, once", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    const orderId = uniqueId("ord");
    const lines = [{ variantId, quantity: 4 }];
    await deliver(placed(orderId, lines));
    await deliver(paid(orderId, lines));

    const refund = refunded(orderId);
    await deliver(refund);
    expect(await statuses(orderId)).toEqual([`${variantId}:4:RESTOCKED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 10, reserved: 0 });

    await redeliver(refund);
    expect(await statuses(orderId)).toEqual([`${variantId}:4:RESTOCKED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 10, reserved: 0 });
  });
});

describe("order.paid after the reservation expired", () => {
  it("a hold expired but not yet swept is committed, and the sweeper then leaves it alone", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 10 });
    const orderId = uniqueId("ord");
    const lines = [{ variantId, quantity: 2 }];
    await deliver(placed(orderId, lines));
    await expire(orderId);

    await deliver(paid(orderId, lines));
    await inventory.service.sweeper.sweepOnce();
    expect(await statuses(orderId)).toEqual([`${variantId}:2:COMMITTED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 8, reserved: 0 });
  });

  it("a hold the sweeper released is taken again from available stock, and a refund restocks it", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 5 });
    const orderId = uniqueId("ord");
    const lines = [{ variantId, quantity: 2 }];
    await deliver(placed(orderId, lines));
    await expire(orderId);
    await inventory.service.sweeper.sweepOnce();
    expect(await statuses(orderId)).toEqual([`${variantId}:2:RELEASED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 5, reserved: 0 });

    const payment = paid(orderId, lines);
    await deliver(payment);
    expect(await statuses(orderId)).toEqual([`${variantId}:2:COMMITTED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 3, reserved: 0 });

    await redeliver(payment);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 3, reserved: 0 });

    await deliver(refunded(orderId));
    expect(await statuses(orderId)).toEqual([`${variantId}:2:RESTOCKED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 5, reserved: 0 });
  });

  it("a hold the sweeper released whose units were sold since: nothing is taken from anyone, and the event is settled, not retried", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 2 });
    const late = uniqueId("ord_late");
    const lines = [{ variantId, quantity: 2 }];
    await deliver(placed(late, lines));
    await expire(late);
    await inventory.service.sweeper.sweepOnce();
    // Someone else buys the units the sweeper gave back.
    const other = uniqueId("ord_other");
    await deliver(placed(other, lines));
    expect(await answerOf(other)).toMatchObject({ type: "inventory.reserved" });

    const payment = paid(late, lines);
    await deliver(payment);
    expect(await statuses(late)).toEqual([`${variantId}:2:RELEASED`]);
    expect(await statuses(other)).toEqual([`${variantId}:2:HELD`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 2, reserved: 2 });
    expect(await answers.waiting(queues.retry)).toBe(0);
    expect(await answers.waiting(queues.dlq)).toBe(0);

    // How an operator resolves it: stock arrives, and the payment notice is sent again.
    await inventory.database.pool.query("update stock_levels set on_hand = 4 where variant_id = $1", [variantId]);
    await deliver(resent(payment));
    expect(await statuses(late)).toEqual([`${variantId}:2:COMMITTED`]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 2, reserved: 2 });
  });

  it("an order inventory never held stock for (it was rejected) is settled without taking anything", async () => {
    const { variantId } = await stockVariant(inventory, { onHand: 1 });
    const orderId = uniqueId("ord");
    const lines = [{ variantId, quantity: 2 }];
    await deliver(placed(orderId, lines));
    expect(await answerOf(orderId)).toMatchObject({ type: "inventory.rejected" });

    await deliver(paid(orderId, lines));
    expect(await statuses(orderId)).toEqual([]);
    expect(await stockRow(inventory, variantId)).toMatchObject({ on_hand: 1, reserved: 0 });
    expect(await answers.waiting(queues.retry)).toBe(0);
  });
});
