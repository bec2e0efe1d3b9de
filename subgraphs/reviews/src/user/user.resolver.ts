import { Args, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { ReviewsContext } from "../context";
import { ReviewConnection, ReviewListArgs } from "../review/review.type";
import { User } from "./user.stub";

@Resolver(() => User)
export class UserReviewsResolver {
  @FieldResolver(() => ReviewConnection, { description: "Reviews this user wrote, newest first (reviews are public)." })
  reviews(@Root() user: User, @Args(() => ReviewListArgs) args: ReviewListArgs, @Ctx() ctx: ReviewsContext) {
    return ctx.services.reviews.listReviews({ authorId: user.id }, args);
  }
}
