import type { EventData } from "@cartograph/events";
import { ignoringDuplicateKeys } from "@cartograph/service-kit/mongo";
import type { Db } from "mongodb";

interface CatalogueProductDocument {
  _id: string;
  active: boolean;
  /** When the snapshot applied was taken: an older, late event never overwrites a newer one. */
  syncedAt: Date;
}

/**
 * Reviews' copy of the catalogue: which products exist and are on sale, from `product.*` events,
 * so a review of an unknown or deleted product is refused without calling products.
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
        { $set: { active: snapshot.active, syncedAt: occurredAt } },
        { upsert: true },
      ),
    );
  }

  async isActive(productId: string): Promise<boolean> {
    return (await this.products.countDocuments({ _id: productId, active: true }, { limit: 1 })) > 0;
  }
}
