import { UserError, PrivateCache } from "@cartograph/service-kit/graphql";
import { ArgsType, Field, ID, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "Units of one variant in the warehouse." })
@PrivateCache()
export class StockLevel {
  @Field(() => ID) variantId!: string;

  @Field(() => Int, { description: "Units physically in stock, including those reserved for orders." })
  onHand!: number;

  @Field(() => Int, { description: "Units held for orders that are not yet paid or cancelled." })
  reserved!: number;

  @Field(() => Int, { description: "Units a shopper can still buy: onHand - reserved. Never negative." })
  available!: number;
}

@ObjectType()
export class StockPayload {
  @Field(() => StockLevel, { nullable: true }) stock!: StockLevel | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

// Argument classes keep the SDL's argument order as written (API.md's order).
@ArgsType()
export class SetStockArgs {
  @Field(() => ID) variantId!: string;
  @Field(() => Int, { description: "The counted units on hand, 0 or more." }) onHand!: number;
}

@ArgsType()
export class AdjustStockArgs {
  @Field(() => ID) variantId!: string;
  @Field(() => Int, { description: "Units to add (positive) or remove (negative)." }) delta!: number;
  @Field(() => String, { description: "Why, for the audit trail: 1 to 200 characters." }) reason!: string;
}
