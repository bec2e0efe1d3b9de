import { requireOwnerOrAdmin } from "@cartograph/service-kit/auth";
import { PrivateCache, SignedInOnly } from "@cartograph/service-kit/graphql";
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import type { RecommendationsContext } from "../context";
import { Product, productRefs } from "../product/product.stub";
import { User } from "../user/user.stub";

@Resolver()
export class TrendingResolver {
  @Query(() => [Product], {
    nullable: true,
    description:
      "The most bought products over the last `days` days (1 to 365), active ones only. Null only when the recommendations service is unavailable (a SERVICE_UNAVAILABLE error names this path).",
  })
  async trendingProducts(
    @Arg("first", () => Int, { nullable: true, defaultValue: 8, description: "At most 50." }) first: number | null,
    @Arg("days", () => Int, { nullable: true, defaultValue: 7 }) days: number | null,
    @Ctx() ctx: RecommendationsContext,
  ): Promise<Product[]> {
    return productRefs(await ctx.services.recommendations.trendingProducts(first ?? 8, days ?? 7));
  }
}

@Resolver(() => Product)
export class ProductRecommendationsResolver {
  @FieldResolver(() => [Product], {
    description:
      "Products most often bought with this one, recent orders weighing more; trending ones when there is too little history. Null only when the recommendations service is unavailable (a SERVICE_UNAVAILABLE error names this path).",
    nullable: true,
  })
  async frequentlyBoughtTogether(
    @Root() product: Product,
    @Arg("first", () => Int, { nullable: true, defaultValue: 4, description: "At most 50." }) first: number | null,
    @Ctx() ctx: RecommendationsContext,
  ): Promise<Product[]> {
    return productRefs(await ctx.services.recommendations.frequentlyBoughtTogether(product.id, first ?? 4));
  }
}

@Resolver(() => User)
export class UserRecommendationsResolver {
  @SignedInOnly()
  @PrivateCache()
  @FieldResolver(() => [Product], {
    description:
      "(owner) Suggestions from what this user bought, never something they already bought; trending ones for a new customer. Null only when the recommendations service is unavailable (a SERVICE_UNAVAILABLE error names this path).",
    nullable: true,
  })
  async recommendedProducts(
    @Root() user: User,
    @Arg("first", () => Int, { nullable: true, defaultValue: 8, description: "At most 50." }) first: number | null,
    @Ctx() ctx: RecommendationsContext,
  ): Promise<Product[]> {
    requireOwnerOrAdmin(ctx.viewer, user.id);
    return productRefs(await ctx.services.recommendations.recommendedProducts(user.id, first ?? 8));
  }
}
