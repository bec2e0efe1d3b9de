import { Money, UserError } from "@cartograph/service-kit/graphql";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { ProductVariant } from "../product/product-variant.stub";

@ObjectType()
export class CartLine {
  @Field(() => ID) id!: string;
  @Field(() => ProductVariant) variant!: ProductVariant;
  @Field(() => Int) quantity!: number;
  @Field(() => Money) unitPrice!: Money;
  @Field(() => Money) lineTotal!: Money;
  @Field(() => Boolean, {
    description: "False when the item is no longer sold: it is left out of the totals and blocks checkout.",
  })
  available!: boolean;
}

@ObjectType({ description: "The signed-in shopper's cart, priced from the current catalogue." })
export class Cart {
  @Field(() => ID) id!: string;
  @Field(() => [CartLine]) lines!: CartLine[];
  @Field(() => Int) totalQuantity!: number;
  @Field(() => Money) subtotal!: Money;
  @Field(() => Money) discount!: Money;
  @Field(() => Money) shipping!: Money;
  @Field(() => Money) total!: Money;
  @Field(() => String, { nullable: true }) couponCode!: string | null;
}

@ObjectType()
export class CartPayload {
  @Field(() => Cart, { nullable: true }) cart!: Cart | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
