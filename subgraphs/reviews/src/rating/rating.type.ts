import { InheritCache } from "@cartograph/service-kit/graphql";
import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "How many reviews gave one rating." })
@InheritCache()
export class RatingBucket {
  @Field(() => Int, { description: "1 to 5 stars." }) rating!: number;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: "A product's ratings, kept current as reviews come and go." })
@InheritCache()
export class RatingSummary {
  @Field(() => Float, {
    nullable: true,
    description: "Mean rating to two decimals; null until someone reviews the product.",
  })
  average!: number | null;

  @Field(() => Int) count!: number;

  @Field(() => [RatingBucket], { description: "Always five buckets, 1 to 5 stars." })
  distribution!: RatingBucket[];
}
