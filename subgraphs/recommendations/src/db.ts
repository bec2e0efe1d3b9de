import { ensureInboxIndexes } from "@cartograph/events/mongo";
import type { Db } from "mongodb";
import type { DailySales, PairCounter, UserProduct } from "./copurchase/copurchase.model";

/** A paid order as learned from `order.paid`: the history every count is rebuilt from. */
export interface PurchaseDocument {
  _id: string;
  /**
   * The buyer; null once they deleted their account: the order still counts (co-purchases and
   * sales are nobody's), but it no longer says who bought it.
   */
  userId: string | null;
  lines: Array<{ productId: string; quantity: number }>;
  paidAt: Date;
  /** When this service learned of it (the rebuild re-applies what arrives while it runs). */
  recordedAt: Date;
  /** Made up by the demo seed, not a real order. */
  synthetic?: boolean;
  /** When its buyer was erased from it. */
  buyerErasedAt?: Date;
}

/** A customer who deleted their account: their orders arriving later are kept without them. */
export interface ErasedCustomerDocument {
  _id: string;
  erasedAt: Date;
}

export type PairDocument = PairCounter & { _id: string };
export type DailySalesDocument = DailySales & { _id: string };
export type UserProductDocument = UserProduct & { _id: string };

export const DERIVED_COLLECTIONS = {
  pairs: "copurchases",
  dailySales: "product_daily_sales",
  userProducts: "user_products",
} as const;

export function recommendationsCollections(db: Db, suffix = "") {
  return {
    purchases: db.collection<PurchaseDocument>("purchases"),
    erasedCustomers: db.collection<ErasedCustomerDocument>("erased_customers"),
    pairs: db.collection<PairDocument>(DERIVED_COLLECTIONS.pairs + suffix),
    dailySales: db.collection<DailySalesDocument>(DERIVED_COLLECTIONS.dailySales + suffix),
    userProducts: db.collection<UserProductDocument>(DERIVED_COLLECTIONS.userProducts + suffix),
  };
}

export type RecommendationsCollections = ReturnType<typeof recommendationsCollections>;

/** The indexes of the derived collections (also built on the rebuild's fresh copies). */
export async function ensureDerivedIndexes(collections: RecommendationsCollections): Promise<void> {
  // A product's neighbours, best first.
  await collections.pairs.createIndex({ productId: 1, score: -1, _id: 1 }, { name: "neighbours_by_score_then_id" });
  // Trending: sales since a day.
  await collections.dailySales.createIndex({ day: 1 }, { name: "by_day" });
  await collections.userProducts.createIndex(
    { userId: 1, lastPaidAt: -1, _id: 1 },
    { name: "user_purchases_recent_first" },
  );
}

/** `pnpm migrate` for MongoDB: the indexes every query relies on (idempotent). */
export async function ensureRecommendationsIndexes(db: Db): Promise<void> {
  await ensureInboxIndexes(db);
  const collections = recommendationsCollections(db);
  await collections.purchases.createIndex({ recordedAt: 1 }, { name: "by_recorded_at" });
  // A customer's orders, for their data export and erasure.
  await collections.purchases.createIndex({ userId: 1, paidAt: 1 }, { name: "by_user" });
  // The rebuild reads the history in payment order.
  await collections.purchases.createIndex({ paidAt: 1, _id: 1 }, { name: "by_paid_at" });
  await ensureDerivedIndexes(collections);
}
