import { createLogger } from "@cartograph/service-kit";
import { connectPostgres, type Database } from "@cartograph/service-kit/db";
import { schema } from "../src/db";
import { createPaymentGateway } from "../src/gateway/create-gateway";
import type { PaymentGateway } from "../src/gateway/payment-gateway";
import { startPaymentsHarness, uniqueId, type PaymentsHarness } from "./harness";

let payments: PaymentsHarness;
const pools: Database<typeof schema>[] = [];

beforeAll(async () => {
  payments = await startPaymentsHarness();
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await payments?.close();
});

/** A gateway on connections of its own, as after a restart of the service. */
function freshGateway(): PaymentGateway {
  const database = connectPostgres(payments.config.DATABASE_URL, schema, createLogger("gateway-test", "silent"), {
    max: 4,
  });
  pools.push(database);
  return createPaymentGateway({ PAYMENT_GATEWAY: "test" }, database.db);
}

const charge = (gateway: PaymentGateway, token: string, idempotencyKey = uniqueId("key"), amount = 1500) =>
  gateway.charge({ idempotencyKey, amount, currencyCode: "USD", token });

describe("the test gateway", () => {
  it("charges the test cards and declines the rest with a reason", async () => {
    const gateway = freshGateway();
    expect(await charge(gateway, "tok_visa")).toEqual({
      status: "succeeded",
      chargeId: expect.stringMatching(/^ch_/),
      amount: 1500,
      currencyCode: "USD",
      card: { brand: "Visa", last4: "4242" },
    });
    expect(await charge(gateway, "tok_mastercard")).toMatchObject({
      status: "succeeded",
      card: { brand: "Mastercard", last4: "4444" },
    });
    expect(await charge(gateway, "tok_chargeDeclined")).toEqual({
      status: "declined",
      code: "card_declined",
      message: "Your card was declined.",
    });
    expect(await charge(gateway, "tok_insufficientFunds")).toEqual({
      status: "declined",
      code: "insufficient_funds",
      message: "Your card has insufficient funds.",
    });
    expect(await charge(gateway, "4242424242424242")).toEqual({
      status: "declined",
      code: "invalid_token",
      message: "The payment token is not valid.",
    });
  });

  it("answers a repeated key with the first result, even after a restart and even with other parameters", async () => {
    const key = uniqueId("key");
    const first = await charge(freshGateway(), "tok_visa", key);
    expect(await charge(freshGateway(), "tok_visa", key)).toEqual(first);
    expect(await charge(freshGateway(), "tok_chargeDeclined", key, 99)).toEqual(first);
    const declinedKey = uniqueId("key");
    const declined = await charge(freshGateway(), "tok_chargeDeclined", declinedKey);
    expect(await charge(freshGateway(), "tok_visa", declinedKey)).toEqual(declined);

    const racedKey = uniqueId("key");
    const raced = await Promise.all(Array.from({ length: 4 }, () => charge(freshGateway(), "tok_visa", racedKey)));
    expect(new Set(raced.map((r) => JSON.stringify(r))).size).toBe(1);

    const all = await Promise.all(
      Array.from({ length: 5 }, () => charge(freshGateway(), "tok_mastercard", uniqueId("other"))),
    );
    expect(new Set(all.map((r) => r.status === "succeeded" && r.chargeId)).size).toBe(5);
    const { rows } = await payments.database.pool.query(
      "select 1 from test_gateway_charges where idempotency_key = $1",
      [key],
    );
    expect(rows).toHaveLength(1);
  });

  it("refunds at most what a charge captured, once per key", async () => {
    const gateway = freshGateway();
    const charged = await charge(gateway, "tok_visa", uniqueId("key"), 1000);
    if (charged.status !== "succeeded") throw new Error("expected a charge");
    const refund = (amount: number, idempotencyKey = uniqueId("refund")) =>
      gateway.refund({ idempotencyKey, chargeId: charged.chargeId, amount, currencyCode: "USD" });

    const key = uniqueId("refund");
    const first = await refund(600, key);
    expect(first).toEqual({
      status: "succeeded",
      refundId: expect.stringMatching(/^re_/),
      amount: 600,
      currencyCode: "USD",
    });
    expect(
      await freshGateway().refund({
        idempotencyKey: key,
        chargeId: charged.chargeId,
        amount: 600,
        currencyCode: "USD",
      }),
    ).toEqual(first);
    expect(await refund(401)).toEqual({ status: "failed", message: "The refund exceeds what is left of the charge." });

    const together = await Promise.all([refund(300), refund(300), refund(300)]);
    expect(together.filter((r) => r.status === "succeeded")).toHaveLength(1);
    expect(
      await gateway.refund({
        idempotencyKey: uniqueId("refund"),
        chargeId: "ch_nobody",
        amount: 1,
        currencyCode: "USD",
      }),
    ).toEqual({ status: "failed", message: "No such charge." });
  });
});
