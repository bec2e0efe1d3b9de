import "reflect-metadata";
import { randomUUID } from "node:crypto";
import {
  connectBroker,
  CUSTOMER_DATA_PURPOSE,
  queueNames,
  type Broker,
  type EventEnvelope,
  type EventOf,
} from "@cartograph/events";
import { createLogger, parseConfig, queueOwner } from "@cartograph/service-kit";
import { connectPostgres, type Database } from "@cartograph/service-kit/db";
import {
  callSubgraph,
  deleteQueueNames,
  RABBITMQ_URL,
  startSubgraphHarness,
  type SubgraphHarness,
  uniqueId as sharedUniqueId,
  waitFor,
} from "@cartograph/testing";
import { connect, type ChannelModel } from "amqplib";
import { eq } from "drizzle-orm";
import { PAYMENTS_SERVICE_DIR, startPaymentsSubgraph, type PaymentsSubgraph } from "../src/app";
import { checkoutQueues } from "../src/checkout/checkout.events";
import { paymentsEnvSchema, type PaymentsConfig } from "../src/config";
import { schema } from "../src/db";
import type { PaymentRow } from "../src/db/schema";
import { createPaymentGateway } from "../src/gateway/create-gateway";
import type { PaymentGateway } from "../src/gateway/payment-gateway";

export { waitFor };

/** The routing key of the harness's markers: bound to its observer queue, never a real event. */
const MARKER = "test.marker";

type PaymentEvent = EventOf<"payment.succeeded" | "payment.failed" | "payment.refunded">;

export type PaymentsHarness = SubgraphHarness<typeof schema, PaymentsConfig, PaymentsSubgraph> & {
  /** Publishes on the harness's own exchange, as orders and inventory would. */
  broker: Broker;
  /** Every `payment.*` event published on the harness's exchange, in arrival order. */
  emitted: PaymentEvent[];
  /**
   * Resolves once the observer behind `emitted` has received everything published on the
   * exchange before this call (the broker confirmed it): a marker sent now arrives after it.
   */
  observerCaughtUp: () => Promise<void>;
  /** Every call the service made to its gateway (the real test gateway, watched). */
  gatewayCalls: Array<{ kind: "charge" | "refund"; idempotencyKey: string }>;
  gql: <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    token: string | null,
  ) => ReturnType<typeof callSubgraph<T>>;
};

/** The payments subgraph in-process on a random port, over its own fresh database, exchange and queues. */
export async function startPaymentsHarness(): Promise<PaymentsHarness> {
  const gatewayCalls: PaymentsHarness["gatewayCalls"] = [];
  let ledger: Database<typeof schema> | undefined;
  const harness = await startSubgraphHarness({
    label: "payments",
    serviceDir: PAYMENTS_SERVICE_DIR,
    dbSchema: schema,
    parseConfig: (values) => parseConfig(paymentsEnvSchema, values),
    start: (config, log, dependencies) => {
      // The gateway's own connections, as in production, outside the counted service pool.
      ledger = connectPostgres(config.DATABASE_URL, schema, log, { max: 4 });
      const gateway = watched(createPaymentGateway(config, ledger.db), gatewayCalls);
      return startPaymentsSubgraph(config, log, { ...dependencies, gateway });
    },
  });
  const broker = connectBroker({
    url: RABBITMQ_URL,
    exchange: harness.config.EVENTS_EXCHANGE,
    log: createLogger("payments-test-broker", "silent"),
  });
  const emitted: PaymentEvent[] = [];
  const markers = new Set<string>();
  const observer = await observeEvents(harness.config.EVENTS_EXCHANGE, ["payment.*", MARKER], (event) => {
    if (event.type === (MARKER as string)) markers.add(event.id);
    else emitted.push(event as PaymentEvent);
  });
  const observerCaughtUp = async () => {
    const id = randomUUID();
    await broker.publish(MARKER, Buffer.from(JSON.stringify({ id, type: MARKER })), { messageId: id });
    await waitFor(() => markers.has(id), { what: "the observer to receive the marker" });
  };
  return {
    ...harness,
    broker,
    emitted,
    observerCaughtUp,
    gatewayCalls,
    gql: (query, variables, token) => callSubgraph(harness.url, query, variables, { accessToken: token }),
    close: async () => {
      await observer.close();
      await broker.close();
      await harness.close();
      await ledger?.close();
      const owner = queueOwner("payments", harness.config.EVENTS_QUEUE_NAMESPACE);
      await deleteQueueNames([
        ...Object.values(checkoutQueues(owner)),
        ...Object.values(queueNames(owner, CUSTOMER_DATA_PURPOSE)),
      ]);
    },
  };
}

function watched(gateway: PaymentGateway, calls: PaymentsHarness["gatewayCalls"]): PaymentGateway {
  return {
    charge: (request) => {
      calls.push({ kind: "charge", idempotencyKey: request.idempotencyKey });
      return gateway.charge(request);
    },
    refund: (request) => {
      calls.push({ kind: "refund", idempotencyKey: request.idempotencyKey });
      return gateway.refund(request);
    },
  };
}

/** An exclusive queue (gone with its connection) bound to the exchange, as another service would listen. */
async function observeEvents(
  exchange: string,
  routingKeys: string[],
  onEvent: (event: EventOf) => void,
): Promise<{ close: () => Promise<void> }> {
  const connection: ChannelModel = await connect(RABBITMQ_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, "topic", { durable: true });
  const { queue } = await channel.assertQueue("", { exclusive: true });
  for (const key of routingKeys) await channel.bindQueue(queue, exchange, key);
  await channel.consume(
    queue,
    (message) => message && onEvent(JSON.parse(message.content.toString("utf8")) as EventOf),
    { noAck: true },
  );
  return { close: () => connection.close() };
}

/** An id nobody else uses, readable in failures. */
export const uniqueId = (prefix = "ord") => sharedUniqueId(prefix);

const envelope = <T extends EventEnvelope["type"]>(
  type: T,
  aggregateId: string,
  data: EventEnvelope<T>["data"],
): EventEnvelope<T> => ({
  id: randomUUID(),
  type,
  occurredAt: new Date().toISOString(),
  aggregateId,
  version: 1,
  data,
});

export interface PlacedOrder {
  orderId: string;
  userId: string;
  token: string;
  lines: Array<{ variantId: string; quantity: number; unitPrice: number }>;
  /** Minor units. */
  total: number;
}

/** An order as checkout would place it: two lines, 2 x 19.99 + 1 x 20.00 = 59.98, unless told otherwise. */
export function newOrder(overrides: Partial<PlacedOrder> = {}): PlacedOrder {
  const lines = overrides.lines ?? [
    { variantId: uniqueId("var"), quantity: 2, unitPrice: 1999 },
    { variantId: uniqueId("var"), quantity: 1, unitPrice: 2000 },
  ];
  return {
    orderId: uniqueId("ord"),
    userId: uniqueId("usr"),
    token: "tok_visa",
    lines,
    total: lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
    ...overrides,
  };
}

export const orderPlaced = (order: PlacedOrder) =>
  envelope("order.placed", order.orderId, {
    orderId: order.orderId,
    userId: order.userId,
    lines: order.lines.map((line) => ({
      variantId: line.variantId,
      productId: `prd_of_${line.variantId}`,
      quantity: line.quantity,
      unitPrice: { amount: line.unitPrice, currencyCode: "USD" },
    })),
    total: { amount: order.total, currencyCode: "USD" },
    paymentToken: order.token,
  });

export const inventoryReserved = (orderId: string) => envelope("inventory.reserved", orderId, { orderId });

export const inventoryRejected = (orderId: string) =>
  envelope("inventory.rejected", orderId, {
    orderId,
    shortages: [{ variantId: "var_gone", requested: 1, available: 0 }],
  });

export async function paymentOf(harness: PaymentsHarness, orderId: string): Promise<PaymentRow | undefined> {
  return harness.database.db.query.payments.findFirst({ where: eq(schema.payments.orderId, orderId) });
}

/** True once the consumer has applied (and committed) the event with this id. */
export async function processed(harness: PaymentsHarness, eventId: string): Promise<boolean> {
  const { rows } = await harness.database.pool.query("select 1 from processed_events where event_id = $1", [eventId]);
  return rows.length > 0;
}

/** Waits until every event the service wrote to its outbox has been published. */
export async function outboxDrained(harness: PaymentsHarness): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await harness.database.pool.query<{ n: number }>(
        "select count(*)::int as n from outbox_events where published_at is null",
      );
      return rows[0]!.n === 0;
    },
    { what: "the outbox to drain" },
  );
}

/**
 * The events emitted about one order: once the outbox is drained, every event is confirmed by
 * the broker, so it is in the observer's queue ahead of a marker sent now; once the marker has
 * arrived, so has every copy of every event the service published so far.
 */
export async function settledEventsOf(harness: PaymentsHarness, orderId: string): Promise<PaymentEvent[]> {
  await outboxDrained(harness);
  await harness.observerCaughtUp();
  return harness.emitted.filter((event) => event.data.orderId === orderId);
}

/** Places an order and reserves its stock over the broker, then waits for the payment to settle. */
export async function payOrder(harness: PaymentsHarness, order: PlacedOrder = newOrder()): Promise<PaymentRow> {
  await harness.broker.publishEvent(orderPlaced(order));
  await harness.broker.publishEvent(inventoryReserved(order.orderId));
  return waitFor(
    async () => {
      const payment = await paymentOf(harness, order.orderId);
      return payment && payment.status !== "PENDING" ? payment : undefined;
    },
    { what: `the payment of ${order.orderId} to settle` },
  );
}
