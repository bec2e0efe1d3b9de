import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { setTimeout as pause } from "node:timers/promises";
import {
  connectBroker,
  CUSTOMER_DATA_PURPOSE,
  queueNames,
  type Broker,
  type EventData,
  type EventEnvelope,
  type EventType,
} from "@cartograph/events";
import { createLogger, parseConfig, queueOwner } from "@cartograph/service-kit";
import {
  callSubgraph,
  deleteQueues,
  RABBITMQ_URL,
  readyMessages,
  startSubgraphHarness,
  waitFor,
  type SubgraphHarness,
} from "@cartograph/testing";
import { ORDERS_SERVICE_DIR, startOrdersSubgraph, type OrdersSubgraph } from "../src/app";
import { ordersEnvSchema, type OrdersConfig } from "../src/config";
import { schema } from "../src/db";

export type OrdersHarness = SubgraphHarness<typeof schema, OrdersConfig, OrdersSubgraph> & {
  broker: Broker;
  /** Publishes an event on the harness's exchange, as another service would. */
  publish: <T extends EventType>(
    type: T,
    aggregateId: string,
    data: EventData<T>,
    occurredAt?: Date,
  ) => Promise<EventEnvelope<T>>;
  gql: <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    token: string | null,
  ) => ReturnType<typeof callSubgraph<T>>;
  /** Waits until `check` passes (events are asynchronous). */
  eventually: <T>(check: () => Promise<T>, timeoutMs?: number) => Promise<T>;
  /** True once a consumer of orders has applied (and committed) the event with this id. */
  processed: (eventId: string) => Promise<boolean>;
  /** Messages waiting in orders' checkout retry queue: answers that came too early, to be tried again. */
  checkoutRetries: () => Promise<number>;
};

export async function startOrdersHarness(): Promise<OrdersHarness> {
  const harness = await startSubgraphHarness({
    label: "orders",
    serviceDir: ORDERS_SERVICE_DIR,
    dbSchema: schema,
    parseConfig: (env) => parseConfig(ordersEnvSchema, env),
    start: startOrdersSubgraph,
  });
  const broker = connectBroker({
    url: RABBITMQ_URL,
    exchange: harness.config.EVENTS_EXCHANGE,
    log: createLogger("orders-test-broker", "silent"),
  });
  return {
    ...harness,
    broker,
    publish: async (type, aggregateId, data, occurredAt = new Date()) => {
      const envelope = { id: randomUUID(), type, occurredAt: occurredAt.toISOString(), aggregateId, version: 1, data };
      await broker.publishEvent(envelope as EventEnvelope);
      return envelope;
    },
    gql: (query, variables, token) => callSubgraph(harness.url, query, variables, { accessToken: token }),
    eventually: async (check, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          return await check();
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await pause(50);
        }
      }
    },
    processed: async (eventId) =>
      (await harness.database.pool.query("select 1 from processed_events where event_id = $1", [eventId])).rows.length >
      0,
    checkoutRetries: () =>
      readyMessages(queueNames(queueOwner("orders", harness.config.EVENTS_QUEUE_NAMESPACE), "checkout").retry),
    close: async () => {
      await broker.close();
      await harness.close();
      await deleteQueues(queueOwner("orders", harness.config.EVENTS_QUEUE_NAMESPACE), [
        "catalogue",
        "checkout",
        CUSTOMER_DATA_PURPOSE,
      ]);
    },
  };
}

let counter = 0;
/** A variant the orders service has heard of (through a real `variant.created` event). */
export async function knownVariant(orders: OrdersHarness, { price = 1999, active = true, name = "Oak Chair" } = {}) {
  counter += 1;
  const variantId = `var_test_${process.pid}_${counter}`;
  await orders.publish("variant.created", variantId, {
    variantId,
    productId: `prd_test_${process.pid}_${counter}`,
    sku: `SKU-${process.pid}-${counter}`,
    title: "Default",
    productName: name,
    price: { amount: price, currencyCode: "USD" },
    active,
  });
  await orders.eventually(async () => {
    const { rows } = await orders.database.pool.query("select 1 from catalogue_variants where variant_id = $1", [
      variantId,
    ]);
    if (rows.length === 0) throw new Error(`variant ${variantId} not yet known`);
  });
  return variantId;
}

/** Inventory says how many units of a variant can be had (`stock.changed`); returns once orders applied it. */
export async function announceStock(
  orders: OrdersHarness,
  variantId: string,
  available: number,
  occurredAt = new Date(),
) {
  const event = await orders.publish(
    "stock.changed",
    variantId,
    { variants: [{ variantId, productId: `prd_of_${variantId}`, inStock: available > 0, available }] },
    occurredAt,
  );
  await waitFor(() => orders.processed(event.id), { what: `stock of ${variantId} to be applied` });
}

export const CART_FIELDS = `cart { id totalQuantity couponCode subtotal { amount } discount { amount } shipping { amount } total { amount }
  lines { id quantity available variant { id } unitPrice { amount } lineTotal { amount } } } userErrors { code field message quantityAvailable }`;

export interface CartResult {
  cart: {
    id: string;
    totalQuantity: number;
    couponCode: string | null;
    subtotal: { amount: string };
    discount: { amount: string };
    shipping: { amount: string };
    total: { amount: string };
    lines: Array<{
      id: string;
      quantity: number;
      available: boolean;
      variant: { id: string };
      unitPrice: { amount: string };
      lineTotal: { amount: string };
    }>;
  } | null;
  userErrors: Array<{ code: string; field: string[] | null; message: string; quantityAvailable: number | null }>;
}

export async function addToCart(
  orders: OrdersHarness,
  token: string,
  variantId: string,
  quantity = 1,
): Promise<CartResult> {
  const result = await orders.gql<{ cartAddLine: CartResult }>(
    `mutation($v: ID!, $q: Int!) { cartAddLine(variantId: $v, quantity: $q) { ${CART_FIELDS} } }`,
    { v: variantId, q: quantity },
    token,
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.cartAddLine;
}

export const ADDRESS = { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };

export const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) {
  order { id number status subtotal { amount } discount { amount } shipping { amount } total { amount }
    lines { sku name quantity unitPrice { amount } lineTotal { amount } variant { id } } shippingAddress { line1 country } statusHistory { status reason } customer { id } }
  userErrors { code field message quantityAvailable } } }`;

export interface CheckoutResult {
  order: {
    id: string;
    number: string;
    status: string;
    subtotal: { amount: string };
    discount: { amount: string };
    shipping: { amount: string };
    total: { amount: string };
    lines: Array<{
      sku: string;
      name: string;
      quantity: number;
      unitPrice: { amount: string };
      lineTotal: { amount: string };
      variant: { id: string };
    }>;
    statusHistory: Array<{ status: string; reason: string | null }>;
    customer: { id: string };
  } | null;
  userErrors: Array<{ code: string; field: string[] | null; message: string; quantityAvailable: number | null }>;
}

export async function checkout(
  orders: OrdersHarness,
  token: string,
  idempotencyKey = randomUUID(),
  paymentToken = "tok_visa",
): Promise<CheckoutResult> {
  const result = await orders.gql<{ checkout: CheckoutResult }>(
    CHECKOUT,
    { input: { shippingAddress: ADDRESS, paymentToken, idempotencyKey } },
    token,
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.checkout;
}
