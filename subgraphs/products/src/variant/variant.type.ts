import { Money } from "@cartograph/service-kit";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Product } from "../catalog/product.type";

@ObjectType()
export class SelectedOption {
  @Field(() => String) name!: string;
  @Field(() => String) value!: string;
}

@ObjectType({ description: "A purchasable version of a product (a size, a colour)." })
@Directive('@key(fields: "id")')
export class ProductVariant {
  @Field(() => ID) id!: string;
  @Field(() => String) sku!: string;
  @Field(() => String) title!: string;
  @Field(() => Money) price!: Money;
  @Field(() => [SelectedOption]) options!: SelectedOption[];
  @Field(() => Product) product!: Product;
}
