import { PageArgs } from "@cartograph/service-kit/graphql";
import { Args, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { ReviewsContext } from "../context";
import { RatingSummary } from "../rating/rating.type";
import { averageRating } from "../review/review.rules";
import { ReviewConnection } from "../review/review.type";
import { Product } from "./product.stub";

@Resolver(() => Product)
export class ProductReviewsResolver {
  @FieldResolver(() => ReviewConnection, {
    nullable: true,
    description:
      "Reviews of this product, newest first. Null only when the reviews service is unavailable (a SERVICE_UNAVAILABLE error names this path).",
  })
  reviews(@Root() product: Product, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: ReviewsContext) {
    return ctx.services.reviews.listReviews({ productId: product.id }, args);
  }

  @FieldResolver(() => RatingSummary, {
    nullable: true,
    description:
      "How this product is rated. Null only when the reviews service is unavailable (a SERVICE_UNAVAILABLE error names this path).",
  })
  async rating(@Root() product: Product, @Ctx() ctx: ReviewsContext): Promise<RatingSummary> {
    const summary = await ctx.loaders.ratingByProductId.load(product.id);
    const buckets = summary?.buckets ?? [0, 0, 0, 0, 0];
    const count = summary?.count ?? 0;
    return {
      average: averageRating(summary?.sum ?? 0, count),
      count,
      distribution: buckets.map((bucketCount, index) => ({ rating: index + 1, count: bucketCount })),
    };
  }
}
