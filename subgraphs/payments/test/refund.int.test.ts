import { newOrder, paymentOf, payOrder, settledEventsOf, startPaymentsHarness, type PaymentsHarness } from "./harness";

let payments: PaymentsHarness;
beforeAll(async () => {
  payments = await startPaymentsHarness();
});
afterAll(() => payments?.close());

const REFUND = `mutation($paymentId: ID!, $amount: String, $reason: String) {
  refundPayment(paymentId: $paymentId, amount: $amount, reason: $reason) {
    payment { id status amount { amount } refundedAmount { amount } refunds { id amount { amount currencyCode } reason createdAt } }
    userErrors { code field message }
  }
}`;

interface RefundPayload {
  payment: {
    id: string;
    status: string;
    amount: { amount: string };
    refundedAmount: { amount: string };
    refunds: Array<{
      id: string;
      amount: { amount: string; currencyCode: string };
      reason: string | null;
      createdAt: string;
    }>;
  } | null;
  userErrors: Array<{ code: string; field: string[] | null; message: string }>;
}

async function refund(
  variables: { paymentId: string; amount?: string; reason?: string },
  token: string | null = payments.tokens.admin(),
) {
  const result = await payments.gql<{ refundPayment: RefundPayload }>(REFUND, variables, token);
  return result;
}

async function refundPayload(variables: {
  paymentId: string;
  amount?: string;
  reason?: string;
}): Promise<RefundPayload> {
  const result = await refund(variables);
  expect(result.errors).toBeUndefined();
  return result.data!.refundPayment;
}

/** A paid order of 59.98. */
const paidOrder = () => payOrder(payments, newOrder());

async function refundRows(paymentId: string) {
  const { rows } = await payments.database.pool.query<{ amount: string }>(
    "select amount from refunds where payment_id = $1 order by created_at",
    [paymentId],
  );
  return rows.map((row) => Number(row.amount));
}

describe("refunding a payment", () => {
  it("a partial refund then the rest: PARTIALLY_REFUNDED, then REFUNDED, fullyRefunded only on the last", async () => {
    const payment = await paidOrder();

    const partial = await refundPayload({
      paymentId: payment.id,
      amount: "20.00",
      reason: "  One mug arrived broken. ",
    });
    expect(partial.userErrors).toEqual([]);
    expect(partial.payment).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: { amount: "20.00" } });
    expect(partial.payment!.refunds).toEqual([
      {
        id: expect.stringMatching(/^ref_/),
        amount: { amount: "20.00", currencyCode: "USD" },
        reason: "One mug arrived broken.",
        createdAt: expect.any(String),
      },
    ]);

    const rest = await refundPayload({ paymentId: payment.id });
    expect(rest.userErrors).toEqual([]);
    expect(rest.payment).toMatchObject({
      status: "REFUNDED",
      amount: { amount: "59.98" },
      refundedAmount: { amount: "59.98" },
    });
    expect(rest.payment!.refunds.map((r) => [r.amount.amount, r.reason])).toEqual([
      ["20.00", "One mug arrived broken."],
      ["39.98", null],
    ]);

    const events = (await settledEventsOf(payments, payment.orderId)).filter((e) => e.type === "payment.refunded");
    expect(events.map((e) => e.data)).toEqual([
      {
        orderId: payment.orderId,
        paymentId: payment.id,
        refundId: rest.payment!.refunds[0]!.id,
        amount: { amount: 2000, currencyCode: "USD" },
        fullyRefunded: false,
      },
      {
        orderId: payment.orderId,
        paymentId: payment.id,
        refundId: rest.payment!.refunds[1]!.id,
        amount: { amount: 3998, currencyCode: "USD" },
        fullyRefunded: true,
      },
    ]);
    expect(
      payments.gatewayCalls.filter((c) => c.kind === "refund" && c.idempotencyKey.startsWith(payment.id)),
    ).toHaveLength(2);

    // Nothing is left: another refund is in the wrong state.
    const third = await refundPayload({ paymentId: payment.id, amount: "0.01" });
    expect(third).toEqual({
      payment: null,
      userErrors: [expect.objectContaining({ code: "INVALID_STATE", field: ["paymentId"] })],
    });
  });

  it("refuses to refund more than remains, as INVALID on amount, and changes nothing", async () => {
    const payment = await paidOrder();
    expect((await refundPayload({ paymentId: payment.id, amount: "50.00" })).userErrors).toEqual([]);

    const tooMuch = await refundPayload({ paymentId: payment.id, amount: "9.99" });
    expect(tooMuch).toEqual({
      payment: null,
      userErrors: [{ code: "INVALID", field: ["amount"], message: "At most 9.98 USD can still be refunded." }],
    });
    expect(await paymentOf(payments, payment.orderId)).toMatchObject({
      status: "PARTIALLY_REFUNDED",
      refundedAmount: 5000,
    });
    expect(await refundRows(payment.id)).toEqual([5000]);
  });

  it.each(["0", "0.00", "-5.00", "5.001", "five", "1e2", ""])("refuses the amount %p as INVALID", async (amount) => {
    const payment = await paidOrder();
    const payload = await refundPayload({ paymentId: payment.id, amount });
    expect(payload.payment).toBeNull();
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: "INVALID", field: ["amount"] })]);
    expect(await refundRows(payment.id)).toEqual([]);
  });

  it("refuses a payment that never succeeded (INVALID_STATE) and one that does not exist (NOT_FOUND)", async () => {
    const declined = await payOrder(payments, newOrder({ token: "tok_chargeDeclined" }));
    expect(await refundPayload({ paymentId: declined.id })).toEqual({
      payment: null,
      userErrors: [
        {
          code: "INVALID_STATE",
          field: ["paymentId"],
          message: "Only a succeeded payment can be refunded; this one is failed.",
        },
      ],
    });
    expect(await refundPayload({ paymentId: "pay_nobody_knows" })).toEqual({
      payment: null,
      userErrors: [expect.objectContaining({ code: "NOT_FOUND", field: ["paymentId"] })],
    });
    expect(
      payments.gatewayCalls.filter((c) => c.kind === "refund" && c.idempotencyKey.startsWith(declined.id)),
    ).toEqual([]);
  });

  it("5 full refunds of one payment at once: exactly one succeeds, and never more than was paid", async () => {
    const payment = await paidOrder();
    const payloads = await Promise.all(Array.from({ length: 5 }, () => refundPayload({ paymentId: payment.id })));

    const succeeded = payloads.filter((p) => p.payment !== null);
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]!.payment).toMatchObject({ status: "REFUNDED", refundedAmount: { amount: "59.98" } });
    for (const refused of payloads.filter((p) => p.payment === null))
      expect(refused.userErrors).toEqual([expect.objectContaining({ code: "INVALID_STATE" })]);
    expect(await refundRows(payment.id)).toEqual([5998]);
    const { rows } = await payments.database.pool.query<{ total: string }>(
      "select coalesce(sum(r.amount), 0) as total from test_gateway_refunds r join payments p on p.gateway_charge_id = r.charge_id where p.id = $1 and r.outcome = 'succeeded'",
      [payment.id],
    );
    expect(Number(rows[0]!.total)).toBe(5998);
    expect(
      (await settledEventsOf(payments, payment.orderId)).filter((e) => e.type === "payment.refunded"),
    ).toHaveLength(1);
  });

  it("concurrent partial refunds that together exceed the payment: those that fit succeed, the sum never exceeds it", async () => {
    const payment = await paidOrder();
    const payloads = await Promise.all(
      Array.from({ length: 4 }, () => refundPayload({ paymentId: payment.id, amount: "20.00" })),
    );
    expect(payloads.filter((p) => p.payment !== null)).toHaveLength(2);
    expect(payloads.filter((p) => p.userErrors[0]?.field?.[0] === "amount")).toHaveLength(2);
    expect(await paymentOf(payments, payment.orderId)).toMatchObject({
      status: "PARTIALLY_REFUNDED",
      refundedAmount: 4000,
    });
  });

  it("is for admins only: a customer, even the order's owner, gets FORBIDDEN and nothing is refunded", async () => {
    const order = newOrder();
    const payment = await payOrder(payments, order);
    for (const token of [payments.tokens.customer(order.userId), payments.tokens.customer()]) {
      const result = await refund({ paymentId: payment.id }, token);
      expect(result.data?.refundPayment ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    expect((await refund({ paymentId: payment.id }, null)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await refundRows(payment.id)).toEqual([]);
    expect(await paymentOf(payments, order.orderId)).toMatchObject({ status: "SUCCEEDED", refundedAmount: 0 });
  });
});
