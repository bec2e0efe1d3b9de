import { PublicCache, CACHE_MAX_AGE } from "@cartograph/service-kit/graphql";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by products; recommendations adds what is bought with it, and hands out products by key. */
@ObjectType()
@PublicCache(CACHE_MAX_AGE.recommendations)
@Directive('@key(fields: "id")')
export class Product {
  @Field(() => ID) id!: string;
}

export const productRefs = (ids: readonly string[]): Product[] => ids.map((id) => ({ id }));
