import { buildFederatedSchema } from "@cartograph/service-kit";
import type { GraphQLSchema } from "graphql";
import { catalogReferenceResolvers } from "./catalog/catalog.reference";
import { ProductConnectionResolver, ProductResolver } from "./catalog/product.resolver";
import { CategoryResolver } from "./category/category.resolver";
import { VariantResolver } from "./variant/variant.resolver";

export function buildProductsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [ProductResolver, ProductConnectionResolver, VariantResolver, CategoryResolver],
    referenceResolvers: catalogReferenceResolvers,
  });
}
