import type { ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { InventoryContext } from "../context";
import { isInStock } from "../stock/stock.rules";
import type { ProductVariantRoot } from "./product-variant.stub";
import type { Product } from "./product.stub";

/**
 * Any id resolves: a variant or product inventory has never heard of is simply not in stock
 * (the catalogue owns existence, not us).
 */
export const productReferenceResolvers: ReferenceResolvers = {
  ProductVariant: {
    __resolveReference: async (reference: { id: string }, context: InventoryContext): Promise<ProductVariantRoot> => {
      const level = await context.loaders.stockByVariantId.load(reference.id);
      return { id: reference.id, inStock: isInStock(level), level };
    },
  },
  Product: {
    __resolveReference: async (reference: { id: string }, context: InventoryContext): Promise<Product> => ({
      id: reference.id,
      inStock: await context.loaders.productInStock.load(reference.id),
    }),
  },
};
