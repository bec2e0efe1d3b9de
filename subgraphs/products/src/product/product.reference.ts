import type { ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { ProductsContext } from "../context";

// Entities resolve even when inactive: old orders still point at deleted products.
export const productReferenceResolvers: ReferenceResolvers = {
  Product: {
    __resolveReference: (reference: { id: string }, context: ProductsContext) =>
      context.loaders.productById.load(reference.id),
  },
  ProductVariant: {
    __resolveReference: (reference: { id: string }, context: ProductsContext) =>
      context.loaders.variantById.load(reference.id),
  },
};
