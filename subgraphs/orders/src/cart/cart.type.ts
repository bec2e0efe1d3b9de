import { Money, UserError } from "@cartograph/service-kit/graphql";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
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

@ObjectType({
  description:
    "A shopper's cart, priced from the current catalogue: a signed-in customer's, or a guest's (by its id, until merged at sign-in).",
})
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

@InputType()
export class CartLineInput {
  @Field(() => ID) variantId!: string;
  @Field(() => Int, { description: "1 to 99; added to the line for this variant if there is one." }) quantity!: number;
}

@InputType()
export class CartLineUpdateInput {
  @Field(() => ID, { description: "The line's id." }) id!: string;
  @Field(() => Int, { description: "0 removes the line." }) quantity!: number;
}

@ObjectType()
export class CartPayload {
  @Field(() => Cart, { nullable: true }) cart!: Cart | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
