import { PublicCache, CACHE_MAX_AGE } from "@cartograph/service-kit/graphql";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by products; inventory contributes whether any of its variants can be bought. */
@ObjectType()
@PublicCache(CACHE_MAX_AGE.catalogue)
@Directive('@key(fields: "id")')
export class Product {
  @Field(() => ID) id!: string;

  @Field(() => Boolean, { description: "True when any variant of the product can be bought now." })
  inStock!: boolean;
}
