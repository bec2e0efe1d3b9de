import { Role } from "@cartograph/service-kit/auth";
import { Authorized, money } from "@cartograph/service-kit/graphql";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { OrdersContext } from "../context";
import { Coupon, CouponPayload, CreateCouponInput } from "./coupon.type";

@Resolver(() => Coupon)
export class CouponResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => CouponPayload, { description: "(admin) Exactly one of percentOff or amountOff." })
  async createCoupon(
    @Arg("input", () => CreateCouponInput) input: CreateCouponInput,
    @Ctx() ctx: OrdersContext,
  ): Promise<CouponPayload> {
    const outcome = await ctx.services.coupons.createCoupon(input);
    if (!outcome.ok) return { coupon: null, userErrors: outcome.errors };
    const coupon = outcome.value;
    const m = (amount: number | null) => (amount === null ? null : money(amount, ctx.services.currencyCode));
    return {
      coupon: { ...coupon, amountOff: m(coupon.amountOff), minSubtotal: m(coupon.minSubtotal) },
      userErrors: [],
    };
  }
}
