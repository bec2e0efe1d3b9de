import type { EventData } from "@cartograph/events";
import { enqueueEvent } from "@cartograph/events/postgres";
import type { ProductsExecutor } from "../db";
import type { VariantRow } from "../db/schema";
import type { ProductRecord } from "./product.repository";

// What products announces. Each is written to the outbox in the transaction that made it true.

/** A new product and each of its variants. */
export async function announceProductCreated(tx: ProductsExecutor, product: ProductRecord, variants: VariantRow[]) {
  await enqueueEvent(tx, {
    type: "product.created",
    aggregateId: product.id,
    data: productSnapshot(product, variants),
  });
  for (const variant of variants) {
    await enqueueEvent(tx, {
      type: "variant.created",
      aggregateId: variant.id,
      data: variantSnapshot(product, variant),
    });
  }
}

/**
 * A changed (or soft-deleted) product, and each of its variants: a product change also changes
 * what every one of its variants' snapshots says. A replay of the catalogue announces the same.
 */
export async function announceProductChanged(
  tx: ProductsExecutor,
  type: "product.updated" | "product.deleted",
  product: ProductRecord,
  variants: VariantRow[],
) {
  await enqueueEvent(tx, { type, aggregateId: product.id, data: productSnapshot(product, variants) });
  for (const variant of variants) {
    await enqueueEvent(tx, {
      type: "variant.updated",
      aggregateId: variant.id,
      data: variantSnapshot(product, variant),
    });
  }
}

/** What `product.*` events carry: enough for others to show and link a product. */
function productSnapshot(product: ProductRecord, variants: VariantRow[]): EventData<"product.created"> {
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
function variantSnapshot(product: ProductRecord, variant: VariantRow): EventData<"variant.created"> {
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
