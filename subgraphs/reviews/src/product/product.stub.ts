import { PublicCache, CACHE_MAX_AGE } from "@cartograph/service-kit/graphql";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by products; reviews adds its reviews and rating summary. */
@ObjectType()
@PublicCache(CACHE_MAX_AGE.reviews)
@Directive('@key(fields: "id")')
export class Product {
  @Field(() => ID) id!: string;
}
