import { UserError } from "@cartograph/service-kit";
import { Field, ObjectType } from "type-graphql";
import { Category } from "../category/category.type";
import { Product } from "./product.type";

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
export class CategoryPayload {
  @Field(() => Category, { nullable: true }) category!: Category | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
