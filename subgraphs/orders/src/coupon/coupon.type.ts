import { Money, UserError } from "@cartograph/service-kit/graphql";
import { Field, InputType, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "A discount code shoppers apply to their cart." })
export class Coupon {
  @Field(() => String) code!: string;
  @Field(() => Int, { nullable: true }) percentOff!: number | null;
  @Field(() => Money, { nullable: true }) amountOff!: Money | null;
  @Field(() => Money, { nullable: true }) minSubtotal!: Money | null;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Int, { nullable: true }) maxRedemptions!: number | null;
  @Field(() => Int) redemptions!: number;
}

@InputType()
export class CreateCouponInput {
  @Field(() => String) code!: string;
  @Field(() => Int, { nullable: true }) percentOff?: number | null;
  @Field(() => String, { nullable: true, description: 'Decimal amount, e.g. "5.00".' }) amountOff?: string | null;
  @Field(() => String, { nullable: true }) minSubtotal?: string | null;
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
  @Field(() => Int, { nullable: true }) maxRedemptions?: number | null;
}

@ObjectType()
export class CouponPayload {
  @Field(() => Coupon, { nullable: true }) coupon!: Coupon | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
