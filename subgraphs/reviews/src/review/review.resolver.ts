import { requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, toPayload } from "@cartograph/service-kit/graphql";
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { ReviewsContext } from "../context";
import type { ReviewDocument } from "../db";
import { Product } from "../product/product.stub";
import { User } from "../user/user.stub";
import { isErasedAuthor } from "./review.rules";
import { AddReviewInput, DeleteReviewPayload, Review, ReviewPayload } from "./review.type";

@Resolver(() => Review)
export class ReviewResolver {
  @Authorized()
  @Mutation(() => ReviewPayload, {
    description: "Reviews a product, once per customer; verified when the customer has paid for it.",
  })
  async addReview(@Arg("input", () => AddReviewInput) input: AddReviewInput, @Ctx() ctx: ReviewsContext) {
    return toPayload("review", await ctx.services.reviews.addReview(requireViewer(ctx.viewer), { ...input }));
  }

  @Authorized()
  @Mutation(() => DeleteReviewPayload, { description: "(owner) Deletes a review; its author or an admin only." })
  async deleteReview(@Arg("id", () => ID) id: string, @Ctx() ctx: ReviewsContext) {
    return toPayload("deleted", await ctx.services.reviews.deleteReview(requireViewer(ctx.viewer), id));
  }

  @FieldResolver(() => ID)
  id(@Root() review: ReviewDocument): string {
    return review._id;
  }

  @FieldResolver(() => Product)
  product(@Root() review: ReviewDocument): Product {
    return { id: review.productId };
  }

  @FieldResolver(() => User, { nullable: true })
  author(@Root() review: ReviewDocument): User | null {
    return isErasedAuthor(review.authorId) ? null : { id: review.authorId };
  }
}
