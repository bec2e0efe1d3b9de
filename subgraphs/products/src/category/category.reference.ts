import type { ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { ProductsContext } from "../context";

export const categoryReferenceResolvers: ReferenceResolvers = {
  Category: {
    __resolveReference: (reference: { id: string }, context: ProductsContext) =>
      context.loaders.categoryById.load(reference.id),
  },
};
