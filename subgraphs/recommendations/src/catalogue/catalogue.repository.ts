import type { EventData } from "@cartograph/events";
import { ignoringDuplicateKeys } from "@cartograph/service-kit/mongo";
import type { Db } from "mongodb";

interface CatalogueProductDocument {
  _id: string;
  active: boolean;
  categoryId: string | null;
  /** When the snapshot applied was taken: an older, late event never overwrites a newer one. */
  syncedAt: Date;
}

/**
 * Recommendations' copy of the catalogue: which products are on sale, and in which category, from
 * `product.*` events, so nothing inactive is ever recommended and no call goes to products.
 */
export class CatalogueRepository {
  private readonly products;

  constructor(db: Db) {
    this.products = db.collection<CatalogueProductDocument>("catalogue_products");
  }

  async applySnapshot(snapshot: EventData<"product.updated">, occurredAt: Date): Promise<void> {
    // A guard that matches nothing makes the upsert insert an existing _id: a newer snapshot is there.
    await ignoringDuplicateKeys(
      this.products.updateOne(
        { _id: snapshot.productId, syncedAt: { $lte: occurredAt } },
        { $set: { active: snapshot.active, categoryId: snapshot.categoryId, syncedAt: occurredAt } },
        { upsert: true },
      ),
    );
  }

  /** The active ones among `productIds`, in one query. */
  async activeAmong(productIds: readonly string[]): Promise<Set<string>> {
    if (productIds.length === 0) return new Set();
    const rows = await this.products
      .find({ _id: { $in: [...new Set(productIds)] }, active: true }, { projection: { _id: 1 } })
      .toArray();
    return new Set(rows.map((row) => row._id));
  }

  /** Every active product with its category (the synthetic order history draws from them). */
  allActive(): Promise<Array<{ productId: string; categoryId: string | null }>> {
    return this.products
      .find({ active: true }, { projection: { _id: 1, categoryId: 1 } })
      .sort({ _id: 1 })
      .map((row) => ({ productId: row._id, categoryId: row.categoryId }))
      .toArray();
  }
}
