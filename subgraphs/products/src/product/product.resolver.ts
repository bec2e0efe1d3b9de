import { badUserInput } from "@cartograph/service-kit";
import { hasRole, Role } from "@cartograph/service-kit/auth";
import { AssumedListSize, Authorized, money, toPayload, PageArgs } from "@cartograph/service-kit/graphql";
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Category } from "../category/category.type";
import type { ProductsContext } from "../context";
import { DeleteProductPayload, ProductPayload, ProductVariantPayload } from "./product.payloads";
import { DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS, type ProductListing } from "./product.service";
import type { ProductRecord } from "./product.repository";
import {
  CreateProductInput,
  Facet,
  PriceRange,
  Product,
  ProductConnection,
  ProductFilter,
  ProductSort,
  ProductVariant,
  UpdateProductInput,
  UpdateVariantInput,
} from "./product.type";

@ArgsType()
export class ProductListArgs extends PageArgs {
  @Field(() => ProductFilter, { nullable: true }) filter?: ProductFilter | null;
  @Field(() => ProductSort, { nullable: true, description: "Defaults to RELEVANCE with a search, else newest first." })
  sort?: ProductSort | null;
}

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => Product, {
    nullable: true,
    description: "By id or by slug (exactly one). Deleted products are visible to admins only.",
  })
  async product(
    @Arg("id", () => ID, { nullable: true }) id: string | null,
    @Arg("slug", () => String, { nullable: true }) slug: string | null,
    @Ctx() ctx: ProductsContext,
  ): Promise<ProductRecord | null> {
    if ((id ? 1 : 0) + (slug ? 1 : 0) !== 1) throw badUserInput("Give exactly one of `id` or `slug`.");
    const product = id
      ? await ctx.loaders.productById.load(id)
      : ((await ctx.services.products.findBySlug(slug!)) ?? null);
    return product && (product.active || hasRole(ctx.viewer, Role.ADMIN)) ? product : null;
  }

  @AssumedListSize(DEFAULT_SUGGESTIONS)
  @Query(() => [Product], {
    description:
      "Search as you type: active products with a word of the name starting with each word typed, names starting with it first.",
  })
  productSuggestions(
    @Arg("prefix", () => String) prefix: string,
    @Arg("first", () => Int, { defaultValue: DEFAULT_SUGGESTIONS, description: `1 to ${MAX_SUGGESTIONS}.` })
    first: number,
    @Ctx() ctx: ProductsContext,
  ): Promise<ProductRecord[]> {
    return ctx.services.products.suggestProducts(prefix, first);
  }

  @Query(() => ProductConnection, { description: "Active products, filtered, sorted and paginated, with facets." })
  products(@Args(() => ProductListArgs) args: ProductListArgs, @Ctx() ctx: ProductsContext): Promise<ProductListing> {
    return ctx.services.products.listProducts(args);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ProductPayload, { description: "(admin) A product with its variants." })
  async createProduct(@Arg("input", () => CreateProductInput) input: CreateProductInput, @Ctx() ctx: ProductsContext) {
    return toPayload("product", await ctx.services.products.createProduct(input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ProductPayload, { description: "(admin)" })
  async updateProduct(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateProductInput) input: UpdateProductInput,
    @Ctx() ctx: ProductsContext,
  ) {
    return toPayload("product", await ctx.services.products.updateProduct(id, input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ProductVariantPayload, {
    description: "(admin) A variant's title or price; the product's price range follows.",
  })
  async updateVariant(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateVariantInput) input: UpdateVariantInput,
    @Ctx() ctx: ProductsContext,
  ) {
    return toPayload("productVariant", await ctx.services.products.updateVariant(id, input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeleteProductPayload, { description: "(admin) Soft delete: active = false." })
  async deleteProduct(@Arg("id", () => ID) id: string, @Ctx() ctx: ProductsContext) {
    return toPayload("deleted", await ctx.services.products.deleteProduct(id));
  }

  @AssumedListSize(4)
  @FieldResolver(() => [ProductVariant])
  variants(@Root() product: ProductRecord, @Ctx() ctx: ProductsContext) {
    return ctx.loaders.variantsByProductId.load(product.id);
  }

  @FieldResolver(() => Category, { nullable: true })
  category(@Root() product: ProductRecord, @Ctx() ctx: ProductsContext) {
    return product.categoryId ? ctx.loaders.categoryById.load(product.categoryId) : null;
  }

  @FieldResolver(() => PriceRange)
  priceRange(@Root() product: ProductRecord, @Ctx() ctx: ProductsContext): PriceRange {
    const currency = ctx.services.currencyCode;
    return { min: money(product.minPrice, currency), max: money(product.maxPrice, currency) };
  }
}

@Resolver(() => ProductConnection)
export class ProductConnectionResolver {
  @FieldResolver(() => [Facet], { description: "brand, tag and category counts over the whole filtered result." })
  facets(@Root() listing: ProductListing) {
    return listing.facets();
  }
}
