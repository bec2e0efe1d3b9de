import { newId } from "@cartograph/service-kit";
import type {
  CardSummary,
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from "./payment-gateway";
import { TestGatewayLedger, type TestChargeRecord, type TestRefundRecord } from "./test-gateway.ledger";

type Decline = { code: string; message: string };

/** Stripe's test tokens, as API.md promises them. Anything else is not a token we issued. */
const CARDS: Record<string, CardSummary> = {
  tok_visa: { brand: "Visa", last4: "4242" },
  tok_mastercard: { brand: "Mastercard", last4: "4444" },
};
const DECLINES: Record<string, Decline> = {
  tok_chargeDeclined: { code: "card_declined", message: "Your card was declined." },
  tok_insufficientFunds: { code: "insufficient_funds", message: "Your card has insufficient funds." },
};
const INVALID_TOKEN: Decline = { code: "invalid_token", message: "The payment token is not valid." };

function chargeResult(record: TestChargeRecord): ChargeResult {
  if (record.outcome === "succeeded") {
    return {
      status: "succeeded",
      chargeId: record.id,
      amount: record.amount,
      currencyCode: record.currencyCode,
      card: { brand: record.cardBrand ?? "", last4: record.cardLast4 ?? "" },
    };
  }
  return {
    status: "declined",
    code: record.declineCode ?? "card_declined",
    message: record.declineMessage ?? "Your card was declined.",
  };
}

function refundResult(record: TestRefundRecord): RefundResult {
  if (record.outcome === "succeeded")
    return { status: "succeeded", refundId: record.id, amount: record.amount, currencyCode: record.currencyCode };
  return { status: "failed", message: record.failureMessage ?? "The refund was refused." };
}

/**
 * The built-in gateway for development and tests: no money moves, and it keeps its own ledger
 * (its own tables, its own connections, like an outside service) so a retried key gets the
 * first answer even after a restart.
 */
export function createTestGateway(ledger: TestGatewayLedger): PaymentGateway {
  return {
    async charge(request: ChargeRequest): Promise<ChargeResult> {
      assertMinorUnits(request.amount);
      const card = CARDS[request.token];
      const decline = card ? undefined : (DECLINES[request.token] ?? INVALID_TOKEN);
      const record = await ledger.recordCharge({
        idempotencyKey: request.idempotencyKey,
        id: newId("ch"),
        outcome: card ? "succeeded" : "declined",
        amount: request.amount,
        currencyCode: request.currencyCode,
        cardBrand: card?.brand ?? null,
        cardLast4: card?.last4 ?? null,
        declineCode: decline?.code ?? null,
        declineMessage: decline?.message ?? null,
      });
      return chargeResult(record);
    },

    async refund(request: RefundRequest): Promise<RefundResult> {
      assertMinorUnits(request.amount);
      const record = await ledger.recordRefund({ ...request, id: newId("re") });
      return refundResult(record);
    },
  };
}

function assertMinorUnits(amount: number): void {
  // A programming error on our side, not a decline: fail loudly.
  if (!Number.isSafeInteger(amount) || amount <= 0)
    throw new RangeError(`amount must be a positive integer of minor units, got ${amount}`);
}
