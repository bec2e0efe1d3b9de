import { buildFederatedSchema } from "@cartograph/service-kit/graphql";
import type { GraphQLSchema } from "graphql";
import { User } from "./user/user.stub";
import {
  ProductRecommendationsResolver,
  TrendingResolver,
  UserRecommendationsResolver,
} from "./recommendation/recommendation.resolver";

export function buildRecommendationsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [TrendingResolver, ProductRecommendationsResolver, UserRecommendationsResolver],
    // Reached only through _entities: listed so it is in the schema.
    orphanedTypes: [User],
  });
}
