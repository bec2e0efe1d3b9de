import { Role } from "@cartograph/service-kit/auth";
import { Authorized, FieldResolver, Resolver, Root } from "type-graphql";
import { toStockLevel, type StockLevelView } from "../stock/stock.rules";
import { StockLevel } from "../stock/stock-level.type";
import { ProductVariant, type ProductVariantRoot } from "./product-variant.stub";

@Resolver(() => ProductVariant)
export class ProductVariantResolver {
  // Counts of units are the shop's business, not the shoppers': admins only.
  @Authorized(Role.ADMIN)
  @FieldResolver(() => StockLevel, { nullable: true })
  stock(@Root() variant: ProductVariantRoot): StockLevelView | null {
    return variant.level ? toStockLevel(variant.level) : null;
  }
}
