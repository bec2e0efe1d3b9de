import { buildFederatedSchema } from "@cartograph/service-kit/graphql";
import type { GraphQLSchema } from "graphql";
import { ProductVariantResolver } from "./product/product-variant.resolver";
import { productReferenceResolvers } from "./product/product.reference";
import { ProductVariant } from "./product/product-variant.stub";
import { Product } from "./product/product.stub";
import { StockResolver } from "./stock/stock.resolver";

export function buildInventorySchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [StockResolver, ProductVariantResolver],
    // Reached only through _entities: no query returns them, so they must be listed.
    orphanedTypes: [Product, ProductVariant],
    referenceResolvers: productReferenceResolvers,
  });
}
