import type { Db } from "mongodb";
import { recommendationsCollections, type RecommendationsCollections } from "../db";

/** Customers who deleted their account (the tombstones). */
export class ErasedCustomerRepository {
  private readonly collections: RecommendationsCollections;

  constructor(db: Db) {
    this.collections = recommendationsCollections(db);
  }

  /** Idempotent: a second erasure keeps the first time. */
  async record(userId: string, erasedAt: Date): Promise<void> {
    await this.collections.erasedCustomers.updateOne({ _id: userId }, { $setOnInsert: { erasedAt } }, { upsert: true });
  }

  async isErased(userId: string): Promise<boolean> {
    return (await this.collections.erasedCustomers.countDocuments({ _id: userId }, { limit: 1 })) > 0;
  }
}
