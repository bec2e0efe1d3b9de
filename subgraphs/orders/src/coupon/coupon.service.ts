import { isUniqueViolation } from "@cartograph/service-kit/db";
import {
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import type { OrdersDb } from "../db";
import type { CouponRow } from "../db/schema";
import { CouponRepository } from "./coupon.repository";
import { createCouponSchema } from "./coupon.rules";

export class CouponService {
  private readonly coupons: CouponRepository;

  constructor(
    db: OrdersDb,
    private readonly currencyCode: string,
  ) {
    this.coupons = new CouponRepository(db);
  }

  async createCoupon(input: unknown): Promise<Outcome<CouponRow>> {
    const valid = validateInput(createCouponSchema(this.currencyCode), input, ["input"]);
    if (!valid.ok) return valid;
    const { code, percentOff, amountOff, minSubtotal, expiresAt, maxRedemptions } = valid.value;
    try {
      return succeed(
        await this.coupons.insert({
          code,
          percentOff: percentOff ?? null,
          amountOff: amountOff ?? null,
          minSubtotal: minSubtotal ?? null,
          expiresAt: expiresAt ?? null,
          maxRedemptions: maxRedemptions ?? null,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error))
        return refuse(userError(UserErrorCode.TAKEN, `The code ${code} is already in use.`, ["input", "code"]));
      throw error;
    }
  }
}
