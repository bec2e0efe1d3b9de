import { Money, money } from "@cartograph/service-kit/graphql";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { ProductsContext } from "../context";
import type { VariantRow } from "../db/schema";
import { Product, ProductVariant } from "./product.type";

@Resolver(() => ProductVariant)
export class ProductVariantResolver {
  @FieldResolver(() => Money)
  price(@Root() variant: VariantRow): Money {
    return money(variant.price, variant.currencyCode);
  }

  @FieldResolver(() => Product)
  async product(@Root() variant: VariantRow, @Ctx() ctx: ProductsContext) {
    return ctx.loaders.productById.load(variant.productId);
  }
}
