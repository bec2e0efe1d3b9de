import { badUserInput } from "@cartograph/service-kit";
import { Role } from "@cartograph/service-kit/auth";
import { AssumedListSize, Authorized, toPayload } from "@cartograph/service-kit/graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { ProductsContext } from "../context";
import type { CategoryRow } from "../db/schema";
import { ProductListArgs } from "../product/product.resolver";
import { ProductConnection } from "../product/product.type";
import { Category, CategoryPayload, CreateCategoryInput } from "./category.type";

@Resolver(() => Category)
export class CategoryResolver {
  @Query(() => [Category], { description: "The roots of the category tree." })
  categories(@Ctx() ctx: ProductsContext): Promise<CategoryRow[]> {
    return ctx.services.categories.roots();
  }

  @Query(() => Category, { nullable: true, description: "By id or by slug (exactly one)." })
  async category(
    @Arg("id", () => ID, { nullable: true }) id: string | null,
    @Arg("slug", () => String, { nullable: true }) slug: string | null,
    @Ctx() ctx: ProductsContext,
  ): Promise<CategoryRow | null> {
    if ((id ? 1 : 0) + (slug ? 1 : 0) !== 1) throw badUserInput("Give exactly one of `id` or `slug`.");
    if (id) return ctx.loaders.categoryById.load(id);
    return (await ctx.services.categories.findBySlug(slug!)) ?? null;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CategoryPayload, { description: "(admin)" })
  async createCategory(
    @Arg("input", () => CreateCategoryInput) input: CreateCategoryInput,
    @Ctx() ctx: ProductsContext,
  ) {
    return toPayload("category", await ctx.services.categories.createCategory(input));
  }

  @FieldResolver(() => Category, { nullable: true })
  parent(@Root() category: CategoryRow, @Ctx() ctx: ProductsContext) {
    return category.parentId ? ctx.loaders.categoryById.load(category.parentId) : null;
  }

  @AssumedListSize(5)
  @FieldResolver(() => [Category])
  children(@Root() category: CategoryRow, @Ctx() ctx: ProductsContext) {
    return ctx.loaders.childrenByCategoryId.load(category.id);
  }

  @FieldResolver(() => ProductConnection, { description: "Products in this category and its descendants." })
  products(
    @Root() category: CategoryRow,
    @Args(() => ProductListArgs) args: ProductListArgs,
    @Ctx() ctx: ProductsContext,
  ) {
    return ctx.services.products.listProducts({ ...args, filter: { ...args.filter, categoryId: category.id } });
  }
}
