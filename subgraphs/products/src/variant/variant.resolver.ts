import { money } from "@cartograph/service-kit";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Product } from "../catalog/product.type";
import type { ProductsContext } from "../context";
import type { VariantRow } from "../db/schema";
import { ProductVariant } from "./variant.type";
import { Money } from "@cartograph/service-kit";

@Resolver(() => ProductVariant)
export class VariantResolver {
  @FieldResolver(() => Money)
  price(@Root() variant: VariantRow): Money {
    return money(variant.price, variant.currencyCode);
  }

  @FieldResolver(() => Product)
  async product(@Root() variant: VariantRow, @Ctx() ctx: ProductsContext) {
    return ctx.loaders.productById.load(variant.productId);
  }
}
