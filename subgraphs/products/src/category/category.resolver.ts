import { Role, toPayload } from "@cartograph/service-kit";
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { CategoryPayload } from "../catalog/product.payloads";
import { ProductListArgs } from "../catalog/product.resolver";
import { ProductConnection } from "../catalog/product.type";
import type { ProductsContext } from "../context";
import type { CategoryRow } from "../db/schema";
import { Category, CreateCategoryInput } from "./category.type";

@Resolver(() => Category)
export class CategoryResolver {
  @Query(() => [Category], { description: "The roots of the category tree." })
  categories(@Ctx() ctx: ProductsContext): Promise<CategoryRow[]> {
    return ctx.services.categories.categories.roots();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CategoryPayload, { description: "(admin)" })
  async createCategory(@Arg("input", () => CreateCategoryInput) input: CreateCategoryInput, @Ctx() ctx: ProductsContext) {
    return toPayload("category", await ctx.services.categories.createCategory(input));
  }

  @FieldResolver(() => Category, { nullable: true })
  parent(@Root() category: CategoryRow, @Ctx() ctx: ProductsContext) {
    return category.parentId ? ctx.loaders.categoryById.load(category.parentId) : null;
  }

  @FieldResolver(() => [Category])
  children(@Root() category: CategoryRow, @Ctx() ctx: ProductsContext) {
    return ctx.loaders.childrenByCategoryId.load(category.id);
  }

  @FieldResolver(() => ProductConnection, { description: "Products in this category and its descendants." })
  products(@Root() category: CategoryRow, @Args(() => ProductListArgs) args: ProductListArgs, @Ctx() ctx: ProductsContext) {
    return ctx.services.products.listProducts({ ...args, filter: { ...args.filter, categoryId: category.id } });
  }
}
