import { MoneyFormatError, parseMoney } from "@cartograph/service-kit";
import { z } from "zod";
import type { CouponRow } from "../db/schema";

/** Not expired and not used up. (Whether a cart reaches its minimum is the cart's question.) */
export function isRedeemable(coupon: CouponRow, now: Date): boolean {
  if (coupon.expiresAt && coupon.expiresAt <= now) return false;
  return coupon.maxRedemptions === null || coupon.redemptions < coupon.maxRedemptions;
}

const amount = (currencyCode: string) =>
  z.string().transform((value, ctx) => {
    try {
      const minor = parseMoney(value, currencyCode);
      if (minor <= 0) ctx.addIssue({ code: "custom", message: "The amount must be more than zero." });
      return minor;
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: error instanceof MoneyFormatError ? error.message : "Enter an amount such as 5.00.",
      });
      return z.NEVER;
    }
  });

export const createCouponSchema = (currencyCode: string) =>
  z
    .object({
      code: z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9][A-Z0-9_-]{2,31}$/, "Codes are 3 to 32 letters, digits, dashes or underscores."),
      percentOff: z
        .number()
        .int("Percentages are whole numbers.")
        .min(1, "At least 1%.")
        .max(100, "At most 100%.")
        .nullish(),
      amountOff: amount(currencyCode).nullish(),
      minSubtotal: amount(currencyCode).nullish(),
      expiresAt: z.date().nullish(),
      maxRedemptions: z.number().int().min(1, "Allow at least one redemption.").nullish(),
    })
    .superRefine((input, ctx) => {
      const kinds = [input.percentOff, input.amountOff].filter((value) => value !== null && value !== undefined).length;
      if (kinds !== 1)
        ctx.addIssue({ code: "custom", path: ["percentOff"], message: "Give exactly one of percentOff or amountOff." });
      if (input.expiresAt && input.expiresAt <= new Date())
        ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "The expiry must be in the future." });
    });
