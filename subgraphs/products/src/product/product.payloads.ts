import { UserError } from "@cartograph/service-kit/graphql";
import { Field, ObjectType } from "type-graphql";
import { Product, ProductVariant } from "./product.type";

@ObjectType()
export class ProductPayload {
  @Field(() => Product, { nullable: true }) product!: Product | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class DeleteProductPayload {
  @Field(() => Boolean, { nullable: true, description: "True when the product was deactivated." }) deleted!:
    | boolean
    | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class ProductVariantPayload {
  @Field(() => ProductVariant, { nullable: true }) productVariant!: ProductVariant | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
