import type { ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { ReviewsContext } from "../context";
import type { ReviewDocument } from "../db";

export const reviewReferenceResolvers: ReferenceResolvers = {
  Review: {
    __resolveReference: (reference: { id: string }, context: ReviewsContext): Promise<ReviewDocument | null> =>
      context.loaders.reviewById.load(reference.id),
  },
};
