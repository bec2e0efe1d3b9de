import { PageArgs } from "@cartograph/service-kit/graphql";
import { Args, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { ReviewsContext } from "../context";
import { ReviewConnection } from "../review/review.type";
import { User } from "./user.stub";

@Resolver(() => User)
export class UserReviewsResolver {
  @FieldResolver(() => ReviewConnection, {
    nullable: true,
    description:
      "Reviews this user wrote, newest first (reviews are public). Null only when the reviews service is unavailable (a SERVICE_UNAVAILABLE error names this path).",
  })
  reviews(@Root() user: User, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: ReviewsContext) {
    return ctx.services.reviews.listReviews({ authorId: user.id }, args);
  }
}
