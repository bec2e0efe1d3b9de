import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by products; a wishlist item points at it by key, and the router resolves the rest. */
@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
export class Product {
  @Field(() => ID) id!: string;
}
