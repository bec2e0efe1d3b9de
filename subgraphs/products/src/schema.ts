import { buildFederatedSchema } from "@cartograph/service-kit/graphql";
import type { GraphQLSchema } from "graphql";
import { categoryReferenceResolvers } from "./category/category.reference";
import { CategoryResolver } from "./category/category.resolver";
import { ProductVariantResolver } from "./product/product-variant.resolver";
import { productReferenceResolvers } from "./product/product.reference";
import { ProductConnectionResolver, ProductResolver } from "./product/product.resolver";

export function buildProductsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [ProductResolver, ProductConnectionResolver, ProductVariantResolver, CategoryResolver],
    referenceResolvers: { ...productReferenceResolvers, ...categoryReferenceResolvers },
  });
}
