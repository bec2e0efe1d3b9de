import { Role } from "@cartograph/service-kit/auth";
import { UserErrorCode } from "@cartograph/service-kit/graphql";
import type { PaymentRow } from "../db/schema";
import {
  methodOf,
  publicStatus,
  refundableOf,
  refundAmountOf,
  refundReasonSchema,
  statusAfterRefund,
  viewablePayment,
} from "./payment.rules";

const payment = (overrides: Partial<PaymentRow> = {}): PaymentRow => ({
  id: "pay_1",
  orderId: "ord_1",
  userId: "usr_owner",
  amount: 5997,
  currencyCode: "USD",
  status: "SUCCEEDED",
  paymentToken: null,
  lines: [],
  gatewayChargeId: "ch_1",
  cardBrand: "Visa",
  cardLast4: "4242",
  failureReason: null,
  refundedAmount: 0,
  createdAt: new Date(),
  paidAt: new Date(),
  updatedAt: new Date(),
  ...overrides,
});

const viewer = (userId: string, roles = [Role.CUSTOMER]) => ({ userId, roles, tokenId: "t" });

describe("refund amounts", () => {
  it("refunds everything left when no amount is given", () => {
    expect(refundAmountOf(undefined, 2500, "USD")).toEqual({ ok: true, value: 2500 });
    expect(refundAmountOf(null, 2500, "USD")).toEqual({ ok: true, value: 2500 });
  });

  it("parses a decimal string into minor units of the currency", () => {
    expect(refundAmountOf("10.5", 2500, "USD")).toEqual({ ok: true, value: 1050 });
    expect(refundAmountOf("25.00", 2500, "USD")).toEqual({ ok: true, value: 2500 });
    expect(refundAmountOf("300", 500, "JPY")).toEqual({ ok: true, value: 300 });
  });

  it.each([
    ["0", /more than zero/],
    ["0.00", /more than zero/],
    ["-1.00", /negative/],
    ["1.001", /at most 2 decimal places/],
    ["1e3", /not an amount/],
    ["", /not an amount/],
    ["25.01", /At most 25.00 USD can still be refunded/],
  ])("refuses %p as INVALID on amount", (amount, message) => {
    const outcome = refundAmountOf(amount, 2500, "USD");
    expect(outcome.ok).toBe(false);
    if (!outcome.ok)
      expect(outcome.errors).toEqual([
        expect.objectContaining({
          code: UserErrorCode.INVALID,
          field: ["amount"],
          message: expect.stringMatching(message),
        }),
      ]);
  });
});

describe("payment status and visibility", () => {
  it("only succeeded and partially refunded payments have anything refundable", () => {
    expect(refundableOf(payment({ refundedAmount: 1000 }))).toBe(4997);
    expect(refundableOf(payment({ status: "PARTIALLY_REFUNDED", refundedAmount: 1000 }))).toBe(4997);
    for (const status of ["PENDING", "FAILED", "REFUNDED", "CANCELLED"] as const)
      expect(refundableOf(payment({ status }))).toBe(0);
  });

  it("is REFUNDED once the refunds reach the amount, else PARTIALLY_REFUNDED", () => {
    expect(statusAfterRefund(payment(), 5996)).toBe("PARTIALLY_REFUNDED");
    expect(statusAfterRefund(payment(), 5997)).toBe("REFUNDED");
  });

  it("keeps CANCELLED internal", () => {
    expect(publicStatus("CANCELLED")).toBeNull();
    expect(publicStatus("PARTIALLY_REFUNDED")).toBe("PARTIALLY_REFUNDED");
  });

  it("shows a payment to its owner and admins, hides a cancelled one, and forbids anyone else", () => {
    const row = payment();
    expect(viewablePayment(viewer("usr_owner"), row)).toBe(row);
    expect(viewablePayment(viewer("usr_admin", [Role.ADMIN]), row)).toBe(row);
    expect(viewablePayment(viewer("usr_owner"), payment({ status: "CANCELLED" }))).toBeNull();
    expect(viewablePayment(viewer("usr_other"), null)).toBeNull();
    expect(() => viewablePayment(viewer("usr_other"), row)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "FORBIDDEN" }) }),
    );
    expect(() => viewablePayment(null, row)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAUTHENTICATED" }) }),
    );
  });

  it("shows the charged card, or Unknown with no digits before any charge", () => {
    expect(methodOf(payment())).toEqual({ brand: "Visa", last4: "4242" });
    expect(methodOf(payment({ cardBrand: null, cardLast4: null }))).toEqual({ brand: "Unknown", last4: "" });
  });

  it("trims a refund reason, and an empty one is no reason", () => {
    expect(refundReasonSchema.parse("  damaged in transit ")).toBe("damaged in transit");
    expect(refundReasonSchema.parse("   ")).toBeNull();
    expect(refundReasonSchema.safeParse("x".repeat(501)).success).toBe(false);
  });
});
