import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by products (stock by inventory); a wishlist item points at it by key. */
@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
export class ProductVariant {
  @Field(() => ID) id!: string;
}
