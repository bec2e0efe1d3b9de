/**
 * The seam to whoever moves the money. Payments only ever hands over a gateway's single-use
 * token, never a card number. Both calls are idempotent on `idempotencyKey`: the same key
 * returns the first result without charging or refunding again, so a retried saga step or a
 * rolled-back transaction can safely call again.
 *
 * A decline is a result, not an error; a gateway that cannot be reached (or answers nonsense)
 * throws, and the caller retries later with the same key.
 */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
}

export interface ChargeRequest {
  idempotencyKey: string;
  /** Integer minor units (cents). */
  amount: number;
  currencyCode: string;
  token: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  chargeId: string;
  /** Integer minor units (cents). */
  amount: number;
  currencyCode: string;
}

/** What a gateway tells about the card it charged: enough to show, never enough to charge. */
export interface CardSummary {
  brand: string;
  last4: string;
}

export type ChargeResult =
  | { status: "succeeded"; chargeId: string; amount: number; currencyCode: string; card: CardSummary }
  /** `message` is shown to the shopper; `code` is for machines (`card_declined`, `insufficient_funds`, …). */
  | { status: "declined"; code: string; message: string };

export type RefundResult =
  | { status: "succeeded"; refundId: string; amount: number; currencyCode: string }
  | { status: "failed"; message: string };
