import { FieldResolver, Resolver, Root } from "type-graphql";
import { toStockLevel, type StockLevelView } from "../stock/stock.rules";
import { StockLevel } from "../stock/stock-level.type";
import { ProductVariant, type ProductVariantRoot } from "./product-variant.stub";

@Resolver(() => ProductVariant)
export class ProductVariantResolver {
  @FieldResolver(() => StockLevel, { nullable: true })
  stock(@Root() variant: ProductVariantRoot): StockLevelView | null {
    return variant.level ? toStockLevel(variant.level) : null;
  }
}
