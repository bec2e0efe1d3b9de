import type { EventData } from "@cartograph/events";
import type { VariantRow } from "../db/schema";
import type { ProductRecord } from "./product.repository";

/** What `product.*` events carry: enough for others to show and link a product. */
export function productSnapshot(product: ProductRecord, variants: VariantRow[]): EventData<"product.created"> {
  return {
    productId: product.id,
    slug: product.slug,
    name: product.name,
    active: product.active,
    categoryId: product.categoryId,
    variantIds: variants.map((variant) => variant.id),
  };
}

/** What `variant.*` events carry: enough for orders to price a cart and inventory to stock it. */
export function variantSnapshot(product: ProductRecord, variant: VariantRow): EventData<"variant.created"> {
  return {
    variantId: variant.id,
    productId: product.id,
    sku: variant.sku,
    title: variant.title,
    productName: product.name,
    price: { amount: variant.price, currencyCode: variant.currencyCode },
    active: product.active,
  };
}
