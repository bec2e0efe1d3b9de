import { buildFederatedSchema } from "@cartograph/service-kit/graphql";
import type { GraphQLSchema } from "graphql";
import { ProductReviewsResolver } from "./product/product.resolver";
import { reviewReferenceResolvers } from "./review/review.reference";
import { ReviewResolver } from "./review/review.resolver";
import { UserReviewsResolver } from "./user/user.resolver";

export function buildReviewsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [ReviewResolver, ProductReviewsResolver, UserReviewsResolver],
    referenceResolvers: reviewReferenceResolvers,
  });
}
