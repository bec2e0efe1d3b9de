import { formatMinorUnits, MoneyFormatError, parseMoney } from "@cartograph/service-kit";
import { requireOwnerOrAdmin, type Viewer } from "@cartograph/service-kit/auth";
import { refuse, succeed, userError, UserErrorCode, type Outcome } from "@cartograph/service-kit/graphql";
import { z } from "zod";
import type { PaymentRow, PaymentStatusValue } from "../db/schema";
import { PaymentStatus } from "./payment.type";

/** What `method` shows before (or without) a charge: the gateway tells us the card only when it charges it. */
export const UNKNOWN_METHOD = { brand: "Unknown", last4: "" } as const;

const REFUNDABLE: ReadonlySet<PaymentStatusValue> = new Set(["SUCCEEDED", "PARTIALLY_REFUNDED"]);

export const refundReasonSchema = z
  .string()
  .trim()
  .max(500, "The reason must be at most 500 characters.")
  .nullable()
  .transform((reason) => reason || null);

/** The API's status; null for the internal CANCELLED, which the API never shows. */
export function publicStatus(status: PaymentStatusValue): PaymentStatus | null {
  return status === "CANCELLED" ? null : PaymentStatus[status];
}

/**
 * The payment the viewer may see: null when there is none (or it was cancelled before any
 * charge, which the API does not show); FORBIDDEN unless the viewer owns the order or is an admin.
 */
export function viewablePayment(viewer: Viewer | null, payment: PaymentRow | null): PaymentRow | null {
  if (!payment) return null;
  requireOwnerOrAdmin(viewer, payment.userId);
  return publicStatus(payment.status) ? payment : null;
}

export function methodOf(payment: Pick<PaymentRow, "cardBrand" | "cardLast4">): { brand: string; last4: string } {
  return payment.cardBrand && payment.cardLast4
    ? { brand: payment.cardBrand, last4: payment.cardLast4 }
    : { ...UNKNOWN_METHOD };
}

export function isRefundable(status: PaymentStatusValue): boolean {
  return REFUNDABLE.has(status);
}

/** Minor units that can still be refunded. */
export function refundableOf(payment: Pick<PaymentRow, "status" | "amount" | "refundedAmount">): number {
  return isRefundable(payment.status) ? payment.amount - payment.refundedAmount : 0;
}

export function statusAfterRefund(payment: Pick<PaymentRow, "amount">, refundedAfter: number): PaymentStatusValue {
  return refundedAfter >= payment.amount ? "REFUNDED" : "PARTIALLY_REFUNDED";
}

/** The refund's amount in minor units: everything left when omitted, else a positive amount within it. */
export function refundAmountOf(
  amount: string | null | undefined,
  refundable: number,
  currencyCode: string,
): Outcome<number> {
  if (amount === null || amount === undefined) return succeed(refundable);
  const invalid = (message: string) => refuse<number>(userError(UserErrorCode.INVALID, message, ["amount"]));
  let minor: number;
  try {
    minor = parseMoney(amount, currencyCode);
  } catch (error) {
    if (error instanceof MoneyFormatError) return invalid(error.message);
    throw error;
  }
  if (minor <= 0) return invalid("The refund amount must be more than zero.");
  if (minor > refundable)
    return invalid(`At most ${formatMinorUnits(refundable, currencyCode)} ${currencyCode} can still be refunded.`);
  return succeed(minor);
}
