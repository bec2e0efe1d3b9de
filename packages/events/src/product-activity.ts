import { isDuplicateKeyError, type Logger } from "@cartograph/service-kit";
import type { Db } from "mongodb";
import type { Broker } from "./broker";
import type { EventData } from "./catalogue";
import { startConsumer, type Consumer } from "./consumer";
import { mongoIdempotencyStore } from "./mongo-inbox";

interface ProductActivityDocument {
  _id: string;
  active: boolean;
  categoryId: string | null;
  /** When the snapshot applied was taken: an older, late event never overwrites a newer one. */
  syncedAt: Date;
}

/**
 * Which products exist and are active, kept by a MongoDB service from `product.*` events, so it
 * can refuse or hide inactive products without calling products. A product it has never heard
 * of counts as unknown (not active).
 */
export class ProductActivity {
  private readonly products;

  constructor(db: Db) {
    this.products = db.collection<ProductActivityDocument>("catalogue_products");
  }

  async apply(snapshot: EventData<"product.updated">, occurredAt: Date): Promise<void> {
    try {
      await this.products.updateOne(
        { _id: snapshot.productId, syncedAt: { $lte: occurredAt } },
        { $set: { active: snapshot.active, categoryId: snapshot.categoryId, syncedAt: occurredAt } },
        { upsert: true },
      );
    } catch (error) {
      // The guard did not match an existing document: it holds a newer snapshot already.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async isActive(productId: string): Promise<boolean> {
    return (await this.products.countDocuments({ _id: productId, active: true }, { limit: 1 })) > 0;
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

/** `<owner>.catalogue`: keeps a MongoDB service's ProductActivity current. */
export function startProductActivityConsumer(options: {
  broker: Broker;
  db: Db;
  log: Logger;
  queueOwner: string;
  activity: ProductActivity;
}): Promise<Consumer> {
  return startConsumer({
    broker: options.broker,
    store: mongoIdempotencyStore(options.db),
    log: options.log,
    service: options.queueOwner,
    purpose: "catalogue",
    eventTypes: ["product.created", "product.updated", "product.deleted"],
    handle: (event) => options.activity.apply(event.data, new Date(event.occurredAt)),
  });
}
