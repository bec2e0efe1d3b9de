import { connect } from "amqplib";
import { queueOwner } from "@cartograph/service-kit";
import { RABBITMQ_URL } from "@cartograph/testing";
import { checkoutQueues } from "../src/checkout/checkout.events";
import {
  inventoryRejected,
  inventoryReserved,
  newOrder,
  orderPlaced,
  paymentOf,
  payOrder,
  processed,
  settledEventsOf,
  startPaymentsHarness,
  waitFor,
  type PaymentsHarness,
} from "./harness";

let payments: PaymentsHarness;
beforeAll(async () => {
  payments = await startPaymentsHarness();
});
afterAll(() => payments?.close());

const ORDER_PAYMENT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order {
  id payment { id status amount { amount currencyCode } method { brand last4 } failureReason refunds { id } }
  invoice { number issuedAt total { amount currencyCode } lines { variant { id } quantity unitPrice { amount currencyCode } lineTotal { amount } } }
} } }`;

interface OrderView {
  id: string;
  payment: {
    id: string;
    status: string;
    amount: { amount: string; currencyCode: string };
    method: { brand: string; last4: string };
    failureReason: string | null;
    refunds: unknown[];
  } | null;
  invoice: {
    number: string;
    issuedAt: string;
    total: { amount: string; currencyCode: string };
    lines: Array<{
      variant: { id: string };
      quantity: number;
      unitPrice: { amount: string };
      lineTotal: { amount: string };
    }>;
  } | null;
}

async function orderAsOwner(orderId: string, userId: string): Promise<OrderView> {
  const result = await payments.gql<{ _entities: OrderView[] }>(
    ORDER_PAYMENT,
    { r: [{ __typename: "Order", id: orderId }] },
    payments.tokens.customer(userId),
  );
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0]!;
}

const chargesFor = (orderId: string) =>
  payments.gatewayCalls.filter((call) => call.kind === "charge" && call.idempotencyKey === orderId);

async function gatewayLedger(orderId: string) {
  const { rows } = await payments.database.pool.query<{ outcome: string; amount: string }>(
    "select outcome, amount from test_gateway_charges where idempotency_key = $1",
    [orderId],
  );
  return rows;
}

describe("charging an order once its stock is reserved", () => {
  it("charges tok_visa once: one payment.succeeded with the amount, a SUCCEEDED Visa 4242 payment, and an invoice", async () => {
    const order = newOrder({ token: "tok_visa" });
    const payment = await payOrder(payments, order);

    expect(payment).toMatchObject({
      status: "SUCCEEDED",
      amount: 5998,
      cardBrand: "Visa",
      cardLast4: "4242",
      paymentToken: null,
      failureReason: null,
    });
    const events = await settledEventsOf(payments, order.orderId);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        "payment.succeeded",
        { orderId: order.orderId, paymentId: payment.id, amount: { amount: 5998, currencyCode: "USD" } },
      ],
    ]);
    expect(chargesFor(order.orderId)).toHaveLength(1);
    expect(await gatewayLedger(order.orderId)).toEqual([{ outcome: "succeeded", amount: "5998" }]);

    const view = await orderAsOwner(order.orderId, order.userId);
    expect(view.payment).toEqual({
      id: payment.id,
      status: "SUCCEEDED",
      amount: { amount: "59.98", currencyCode: "USD" },
      method: { brand: "Visa", last4: "4242" },
      failureReason: null,
      refunds: [],
    });
    expect(view.invoice).toMatchObject({
      number: expect.stringMatching(/^INV-\d{6}$/),
      total: { amount: "59.98", currencyCode: "USD" },
      lines: [
        {
          variant: { id: order.lines[0]!.variantId },
          quantity: 2,
          unitPrice: { amount: "19.99" },
          lineTotal: { amount: "39.98" },
        },
        {
          variant: { id: order.lines[1]!.variantId },
          quantity: 1,
          unitPrice: { amount: "20.00" },
          lineTotal: { amount: "20.00" },
        },
      ],
    });
  });

  it("charges tok_mastercard as Mastercard 4444", async () => {
    const payment = await payOrder(payments, newOrder({ token: "tok_mastercard" }));
    expect(payment).toMatchObject({ status: "SUCCEEDED", cardBrand: "Mastercard", cardLast4: "4444" });
  });

  it.each([
    ["tok_chargeDeclined", "Your card was declined."],
    ["tok_insufficientFunds", "Your card has insufficient funds."],
    ["tok_someoneElses", "The payment token is not valid."],
  ])(
    "a declined %s emits payment.failed with the reason, charges nothing and issues no invoice",
    async (token, reason) => {
      const order = newOrder({ token });
      const payment = await payOrder(payments, order);

      expect(payment).toMatchObject({ status: "FAILED", failureReason: reason, paymentToken: null, cardBrand: null });
      const events = await settledEventsOf(payments, order.orderId);
      expect(events.map((e) => [e.type, e.data])).toEqual([
        ["payment.failed", { orderId: order.orderId, paymentId: payment.id, reason }],
      ]);
      expect((await gatewayLedger(order.orderId)).filter((charge) => charge.outcome === "succeeded")).toEqual([]);

      const view = await orderAsOwner(order.orderId, order.userId);
      expect(view.payment).toMatchObject({
        status: "FAILED",
        failureReason: reason,
        method: { brand: "Unknown", last4: "" },
      });
      expect(view.invoice).toBeNull();
    },
  );

  it("a redelivered inventory.reserved, under the same envelope or a new one, charges once and emits one event", async () => {
    const order = newOrder();
    const placed = orderPlaced(order);
    await payments.broker.publishEvent(placed);
    await waitFor(() => processed(payments, placed.id), { what: "order.placed" });

    const reserved = inventoryReserved(order.orderId);
    const again = inventoryReserved(order.orderId);
    await Promise.all([
      payments.broker.publishEvent(reserved),
      payments.broker.publishEvent(reserved),
      payments.broker.publishEvent(again),
    ]);
    await waitFor(async () => (await processed(payments, reserved.id)) && processed(payments, again.id), {
      what: "both envelopes",
    });

    const events = await settledEventsOf(payments, order.orderId);
    expect(events.map((e) => e.type)).toEqual(["payment.succeeded"]);
    expect(chargesFor(order.orderId)).toHaveLength(1);
    expect(await paymentOf(payments, order.orderId)).toMatchObject({ status: "SUCCEEDED" });
    const { rows } = await payments.database.pool.query("select number from invoices where order_id = $1", [
      order.orderId,
    ]);
    expect(rows).toHaveLength(1);
  });

  it("inventory.reserved before order.placed is retried, then charged once when the intent arrives", async () => {
    const order = newOrder();
    const reserved = inventoryReserved(order.orderId);
    await payments.broker.publishEvent(reserved);

    // The first attempt failed and the message waits in the retry queue: nothing charged yet.
    const { retry } = checkoutQueues(queueOwner("payments", payments.config.EVENTS_QUEUE_NAMESPACE));
    const connection = await connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      await waitFor(async () => (await channel.checkQueue(retry)).messageCount > 0, {
        what: "the early event to be sent for retry",
      });
    } finally {
      await connection.close();
    }
    expect(await paymentOf(payments, order.orderId)).toBeUndefined();
    expect(chargesFor(order.orderId)).toEqual([]);

    await payments.broker.publishEvent(orderPlaced(order));
    await waitFor(() => processed(payments, reserved.id), { what: "the retried inventory.reserved" });
    expect(await paymentOf(payments, order.orderId)).toMatchObject({ status: "SUCCEEDED", amount: order.total });
    expect(chargesFor(order.orderId)).toHaveLength(1);
    expect((await settledEventsOf(payments, order.orderId)).map((e) => e.type)).toEqual(["payment.succeeded"]);
  });

  it("inventory.rejected cancels the intent: nothing is ever charged, even when a late inventory.reserved shows up", async () => {
    const order = newOrder();
    await payments.broker.publishEvent(orderPlaced(order));
    await payments.broker.publishEvent(inventoryRejected(order.orderId));
    await waitFor(async () => (await paymentOf(payments, order.orderId))?.status === "CANCELLED", {
      what: "the intent to be cancelled",
    });

    const late = inventoryReserved(order.orderId);
    await payments.broker.publishEvent(late);
    await waitFor(() => processed(payments, late.id), { what: "the late inventory.reserved" });

    expect(await paymentOf(payments, order.orderId)).toMatchObject({
      status: "CANCELLED",
      paymentToken: null,
      gatewayChargeId: null,
    });
    expect(chargesFor(order.orderId)).toEqual([]);
    expect(await gatewayLedger(order.orderId)).toEqual([]);
    expect(await settledEventsOf(payments, order.orderId)).toEqual([]);
    // Cancelled is internal: the order shows no payment at all.
    expect(await orderAsOwner(order.orderId, order.userId)).toEqual({
      id: order.orderId,
      payment: null,
      invoice: null,
    });
  });

  it("a redelivered order.placed keeps the first intent", async () => {
    const order = newOrder();
    const placed = orderPlaced(order);
    const replay = { ...orderPlaced({ ...order, total: 1, token: "tok_chargeDeclined" }) };
    await payments.broker.publishEvent(placed);
    await waitFor(() => processed(payments, placed.id), { what: "order.placed" });
    await payments.broker.publishEvent(placed);
    await payments.broker.publishEvent(replay);
    // The redelivery (same id) is skipped by the inbox, which leaves no trace to wait for; the
    // replay under a new id is what could replace the intent, and it has been applied.
    await waitFor(() => processed(payments, replay.id), { what: "the second order.placed" });

    expect(await paymentOf(payments, order.orderId)).toMatchObject({
      status: "PENDING",
      amount: order.total,
      paymentToken: "tok_visa",
    });
    const { rows } = await payments.database.pool.query("select id from payments where order_id = $1", [order.orderId]);
    expect(rows).toHaveLength(1);
  });
});
