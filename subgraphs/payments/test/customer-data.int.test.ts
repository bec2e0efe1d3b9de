import { setTimeout as pause } from "node:timers/promises";
import { outboxRepliesTo, userDataRequested, userDeleted } from "@cartograph/testing";
import {
  newOrder,
  payOrder,
  processed,
  startPaymentsHarness,
  uniqueId,
  waitFor,
  type PaymentsHarness,
} from "./harness";

let payments: PaymentsHarness;
beforeAll(async () => {
  payments = await startPaymentsHarness();
});
afterAll(() => payments?.close());

type ReplyType = "user.data_exported" | "user.erased";

const repliesTo = <T extends ReplyType>(type: T, requestId: string) =>
  outboxRepliesTo(payments.database.pool, type, requestId);

const oneReplyTo = <T extends ReplyType>(type: T, requestId: string) =>
  waitFor(async () => (await repliesTo(type, requestId))[0], { what: `${type} for ${requestId}` });

const REFUND = `mutation($paymentId: ID!, $amount: String, $reason: String) {
  refundPayment(paymentId: $paymentId, amount: $amount, reason: $reason) { userErrors { code } } }`;

/** A customer with one paid order, 10.00 of it refunded by an admin. */
async function customerWithPayment() {
  const order = newOrder({ userId: uniqueId("usr") });
  const payment = await payOrder(payments, order);
  expect(payment).toMatchObject({ status: "SUCCEEDED", cardLast4: expect.any(String) });
  const refunded = await payments.gql<{ refundPayment: { userErrors: unknown[] } }>(
    REFUND,
    { paymentId: payment.id, amount: "10.00", reason: "Scratched" },
    payments.tokens.admin(),
  );
  expect(refunded.data!.refundPayment.userErrors).toEqual([]);
  return { userId: order.userId, orderId: order.orderId, payment };
}

async function paymentRow(id: string) {
  const { rows } = await payments.database.pool.query(
    "select user_id, amount, status, card_brand, card_last4, payment_token, gateway_charge_id, refunded_amount from payments where id = $1",
    [id],
  );
  return rows[0];
}

async function invoiceCount(orderId: string) {
  const { rows } = await payments.database.pool.query("select 1 from invoices where order_id = $1", [orderId]);
  return rows.length;
}

describe("a customer's data on request", () => {
  it("user.data_requested: exports payments (brand and last four only), refunds, invoices; nobody else's", async () => {
    const ann = await customerWithPayment();
    const bob = await customerWithPayment();
    const request = userDataRequested(ann.userId);
    const { requestId } = request.data;
    await payments.broker.publishEvent(request);

    const reply = await oneReplyTo("user.data_exported", requestId);
    expect(reply).toMatchObject({ requestId, userId: ann.userId, service: "payments" });
    expect(reply.data).toEqual({
      payments: [
        expect.objectContaining({
          id: ann.payment.id,
          orderId: ann.orderId,
          amount: { amount: 5998, currencyCode: "USD" },
          refunded: { amount: 1000, currencyCode: "USD" },
          status: "PARTIALLY_REFUNDED",
          cardBrand: ann.payment.cardBrand,
          cardLast4: ann.payment.cardLast4,
        }),
      ],
      refunds: [expect.objectContaining({ paymentId: ann.payment.id, amount: { amount: 1000, currencyCode: "USD" } })],
      invoices: [expect.objectContaining({ orderId: ann.orderId, total: { amount: 5998, currencyCode: "USD" } })],
    });
    const exported = JSON.stringify(reply);
    expect(exported).not.toContain(ann.payment.gatewayChargeId!);
    expect(exported).not.toContain("tok_");
    for (const other of [bob.userId, bob.orderId, bob.payment.id]) expect(exported).not.toContain(other);
  });

  it("user.deleted: keeps payments, refunds and invoices, drops the last four digits, says so once", async () => {
    const ann = await customerWithPayment();
    const bob = await customerWithPayment();
    const before = await paymentRow(ann.payment.id);
    const bobBefore = await paymentRow(bob.payment.id);
    const deleted = userDeleted(ann.userId);
    const { requestId } = deleted.data;
    await payments.broker.publishEvent(deleted);

    const reply = await oneReplyTo("user.erased", requestId);
    expect(reply).toEqual({ requestId, userId: ann.userId, service: "payments", summary: { paymentsAnonymised: 1 } });
    expect(await paymentRow(ann.payment.id)).toEqual({ ...before, card_last4: null, payment_token: null });
    expect(before.card_brand).toEqual(expect.any(String));
    expect(await invoiceCount(ann.orderId)).toBe(1);
    expect(await paymentRow(bob.payment.id)).toEqual(bobBefore);

    // The same event again is skipped by the inbox; a second request finds nothing left.
    await payments.broker.publishEvent(deleted);
    const again = userDeleted(ann.userId, requestId);
    await payments.broker.publishEvent(again);
    await waitFor(() => processed(payments, again.id), { what: "the second user.deleted" });
    await pause(500);
    expect((await repliesTo("user.erased", requestId)).map((r) => r.summary)).toEqual([
      { paymentsAnonymised: 1 },
      { paymentsAnonymised: 0 },
    ]);
  });
});
