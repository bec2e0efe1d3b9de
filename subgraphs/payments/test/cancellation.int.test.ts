import { randomUUID } from "node:crypto";
import type { EventEnvelope } from "@cartograph/events";
import { CANCELLATION_ACTOR } from "../src/checkout/checkout.service";
import {
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

const orderCancelled = (
  orderId: string,
  userId: string,
  reason = "Cancelled by the customer",
): EventEnvelope<"order.cancelled"> => ({
  id: randomUUID(),
  type: "order.cancelled",
  occurredAt: new Date().toISOString(),
  aggregateId: orderId,
  version: 1,
  data: { orderId, userId, reason },
});

const chargesFor = (orderId: string) =>
  payments.gatewayCalls.filter((call) => call.kind === "charge" && call.idempotencyKey === orderId);

async function refundsOf(paymentId: string) {
  const { rows } = await payments.database.pool.query<{ amount: string; reason: string; actor: string }>(
    "select amount, reason, actor from refunds where payment_id = $1",
    [paymentId],
  );
  return rows;
}

describe("an order cancelled by its customer", () => {
  it("before its stock is reserved: the intent is cancelled and never charged, even when inventory.reserved comes later", async () => {
    const order = newOrder();
    const placed = orderPlaced(order);
    await payments.broker.publishEvent(placed);
    await waitFor(() => processed(payments, placed.id), { what: "order.placed" });
    await payments.broker.publishEvent(orderCancelled(order.orderId, order.userId));
    await waitFor(async () => (await paymentOf(payments, order.orderId))?.status === "CANCELLED", {
      what: "the intent to be cancelled",
    });

    const late = inventoryReserved(order.orderId);
    await payments.broker.publishEvent(late);
    await waitFor(() => processed(payments, late.id), { what: "the late inventory.reserved" });
    expect(await paymentOf(payments, order.orderId)).toMatchObject({ status: "CANCELLED", paymentToken: null });
    expect(chargesFor(order.orderId)).toEqual([]);
    expect(await settledEventsOf(payments, order.orderId)).toEqual([]);
  });

  it("after it was paid: everything left is refunded once, announced as fully refunded, however often the event comes", async () => {
    const order = newOrder();
    const paid = await payOrder(payments, order);
    const cancelled = orderCancelled(order.orderId, order.userId);
    await Promise.all([
      payments.broker.publishEvent(cancelled),
      payments.broker.publishEvent(cancelled),
      payments.broker.publishEvent(orderCancelled(order.orderId, order.userId)),
    ]);
    await waitFor(() => processed(payments, cancelled.id), { what: "order.cancelled" });
    await waitFor(async () => (await paymentOf(payments, order.orderId))?.status === "REFUNDED", {
      what: "the refund",
    });

    const events = await settledEventsOf(payments, order.orderId);
    expect(
      events.map((e) => [
        e.type,
        e.type === "payment.refunded" && e.data.fullyRefunded,
        e.type === "payment.refunded" && e.data.amount.amount,
      ]),
    ).toEqual([
      ["payment.succeeded", false, false],
      ["payment.refunded", true, paid.amount],
    ]);
    expect(await refundsOf(paid.id)).toEqual([
      { amount: String(paid.amount), reason: "Order cancelled: Cancelled by the customer", actor: CANCELLATION_ACTOR },
    ]);
  });

  it("a declined order's cancellation changes nothing", async () => {
    const order = newOrder({ token: "tok_chargeDeclined" });
    const declined = await payOrder(payments, order);
    const cancelled = orderCancelled(order.orderId, order.userId, "Payment declined: Your card was declined.");
    await payments.broker.publishEvent(cancelled);
    await waitFor(() => processed(payments, cancelled.id), { what: "order.cancelled" });
    expect(await paymentOf(payments, order.orderId)).toMatchObject({ status: "FAILED" });
    expect(
      payments.gatewayCalls.filter((call) => call.kind === "refund" && call.idempotencyKey.startsWith(declined.id)),
    ).toEqual([]);
    expect((await settledEventsOf(payments, order.orderId)).map((e) => e.type)).toEqual(["payment.failed"]);
  });
});
