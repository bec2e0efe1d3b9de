import { ignoringDuplicateKeys } from "@cartograph/service-kit/mongo";
import type { AnyBulkWriteOperation, Db } from "mongodb";
import {
  DERIVED_COLLECTIONS,
  ensureDerivedIndexes,
  recommendationsCollections,
  type PurchaseDocument,
  type RecommendationsCollections,
  type UserProductDocument,
} from "../db";
import {
  aggregateHistory,
  APPLIED_ORDERS_KEPT,
  coPurchasePairs,
  dayOf,
  pairKey,
  recencyWeight,
  unitsOf,
  type HistoryOrder,
  type Neighbour,
  type PaidOrder,
} from "./copurchase.model";

const BULK_CHUNK = 1_000;

/**
 * A guarded upsert's duplicate key means "this order is counted already" only if the counter
 * existed when it was matched: another order's upsert may have created it in between (another
 * replica, or a concurrent delivery), and that order's count must not be dropped. Once more: the
 * counter exists now, so the retry either adds to it or meets the guard for real.
 */
async function guardedUpsert<T>(write: () => Promise<T>): Promise<T | null> {
  return (await ignoringDuplicateKeys(write())) ?? ignoringDuplicateKeys(write());
}

async function bulkWriteInChunks<T extends { _id: string }>(
  collection: { bulkWrite: (ops: AnyBulkWriteOperation<T>[], options: { ordered: boolean }) => Promise<unknown> },
  ops: AnyBulkWriteOperation<T>[],
): Promise<void> {
  for (let start = 0; start < ops.length; start += BULK_CHUNK)
    await collection.bulkWrite(ops.slice(start, start + BULK_CHUNK), { ordered: false });
}

/**
 * Co-purchase counts, daily sales and users' purchases, learned from paid orders. No
 * transactions (FerretDB, standalone MongoDB): every counter update is guarded by the order id
 * it applies, so applying an order twice, or two deliveries at once, count it once.
 */
export class CoPurchaseRepository {
  private readonly collections: RecommendationsCollections;

  constructor(private readonly db: Db) {
    this.collections = recommendationsCollections(db);
  }

  /** Keeps the orders as history (idempotent by order id). */
  async recordPurchases(orders: readonly PaidOrder[], { synthetic = false } = {}): Promise<void> {
    const recordedAt = new Date();
    await bulkWriteInChunks(
      this.collections.purchases,
      orders.map((order) => ({
        updateOne: {
          filter: { _id: order.orderId },
          update: {
            $setOnInsert: {
              userId: order.userId,
              lines: order.lines.map(({ productId, quantity }) => ({ productId, quantity })),
              paidAt: order.paidAt,
              recordedAt,
              ...(synthetic ? { synthetic } : {}),
            },
          },
          upsert: true,
        },
      })),
    );
  }

  /** Adds one paid order to every counter it touches, at most once per counter. */
  async applyPurchase(order: HistoryOrder): Promise<void> {
    const weight = recencyWeight(order.paidAt);
    const pairKeys = coPurchasePairs(order).map(([productId, otherId]) => ({
      _id: pairKey(productId, otherId),
      productId,
      otherId,
    }));
    // One counter per command, never one bulk `update` of many (docs/conventions.md, MongoDB):
    // FerretDB holds a PostgreSQL connection per matched statement until the command ends.
    for (const { _id, productId, otherId } of pairKeys)
      await guardedUpsert(() =>
        this.collections.pairs.updateOne(
          // Matches only a counter this order has not touched; otherwise the upsert's insert
          // collides with the existing _id and is ignored as "already applied" (guardedUpsert).
          { _id, orders: { $ne: order.orderId } },
          {
            $inc: { score: weight, count: 1 },
            $max: { lastPaidAt: order.paidAt },
            $push: { orders: order.orderId },
            $setOnInsert: { productId, otherId },
          },
          { upsert: true },
        ),
      );
    const day = dayOf(order.paidAt);
    const sales = [...unitsOf(order)].map(([productId, units]) => ({
      _id: pairKey(productId, day.toISOString()),
      productId,
      units,
    }));
    for (const { _id, productId, units } of sales)
      await guardedUpsert(() =>
        this.collections.dailySales.updateOne(
          { _id, orders: { $ne: order.orderId } },
          { $inc: { units }, $push: { orders: order.orderId }, $setOnInsert: { productId, day } },
          { upsert: true },
        ),
      );
    const { userId } = order;
    // An erased buyer's order (re-applied by a rebuild) counts, but as nobody's purchase.
    if (userId !== null)
      for (const productId of unitsOf(order).keys())
        await guardedUpsert(() =>
          this.collections.userProducts.updateOne(
            { _id: pairKey(userId, productId) },
            { $max: { lastPaidAt: order.paidAt }, $setOnInsert: { userId, productId } },
            { upsert: true },
          ),
        );
    // `$push` with `$slice` is not in FerretDB: trim the remembered orders in a second step.
    const trim = { [`orders.${APPLIED_ORDERS_KEPT}`]: { $exists: true } };
    if (pairKeys.length > 0)
      await this.collections.pairs.updateMany(
        { _id: { $in: pairKeys.map((key) => key._id) }, ...trim },
        { $pop: { orders: -1 } },
      );
    await this.collections.dailySales.updateMany(
      { _id: { $in: sales.map((sale) => sale._id) }, ...trim },
      { $pop: { orders: -1 } },
    );
  }

  /**
   * Renames `from` over `to`. FerretDB has no `dropTarget`: the live copy is dropped just before
   * the rename (readers see an empty list for that instant, never a half-built one), and if a
   * consumer's upsert re-created it in between, that is dropped too (the orders are re-applied).
   */
  private async replaceCollection(from: string, to: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      await this.db
        .collection(to)
        .drop()
        .catch(() => undefined);
      try {
        await this.db.renameCollection(from, to);
        return;
      } catch (error) {
        if ((error as { codeName?: string }).codeName !== "NamespaceExists" || attempt >= 5) throw error;
      }
    }
  }

  /** A product's best neighbours. */
  async neighbours(productId: string, limit: number): Promise<Neighbour[]> {
    return this.collections.pairs
      .find({ productId }, { projection: { otherId: 1, score: 1 } })
      .sort({ score: -1, _id: 1 })
      .limit(limit)
      .map((row) => ({ otherId: row.otherId, score: row.score }))
      .toArray();
  }

  /**
   * Neighbour lists of several products, in one query (the best `limit` overall), leaving out
   * `excluded` in the query itself so pairs among the products themselves cannot fill the limit.
   */
  async neighboursOfAll(
    productIds: readonly string[],
    limit: number,
    excluded: readonly string[] = [],
  ): Promise<Neighbour[][]> {
    if (productIds.length === 0) return [];
    const rows = await this.collections.pairs
      .find(
        { productId: { $in: [...productIds] }, otherId: { $nin: [...excluded] } },
        { projection: { productId: 1, otherId: 1, score: 1 } },
      )
      .sort({ score: -1, _id: 1 })
      .limit(limit)
      .toArray();
    return productIds.map((productId) =>
      rows.filter((row) => row.productId === productId).map((row) => ({ otherId: row.otherId, score: row.score })),
    );
  }

  /** What the user bought, most recent first. */
  async boughtBy(userId: string, limit: number): Promise<string[]> {
    const rows = await this.collections.userProducts
      .find({ userId }, { projection: { productId: 1 } })
      .sort({ lastPaidAt: -1, _id: 1 })
      .limit(limit)
      .toArray();
    return rows.map((row) => row.productId);
  }

  /** The ones among `productIds` the user has bought. */
  async boughtAmong(userId: string, productIds: readonly string[]): Promise<Set<string>> {
    if (productIds.length === 0) return new Set();
    const rows = await this.collections.userProducts
      .find(
        { _id: { $in: productIds.map((productId) => pairKey(userId, productId)) } },
        { projection: { productId: 1 } },
      )
      .toArray();
    return new Set(rows.map((row) => row.productId));
  }

  /** The user's paid orders, first paid first (their data export). */
  purchasesOf(userId: string): Promise<PurchaseDocument[]> {
    return this.collections.purchases.find({ userId }).sort({ paidAt: 1, _id: 1 }).toArray();
  }

  /** Every product the user bought, last bought first (their data export). */
  productsBoughtBy(userId: string): Promise<UserProductDocument[]> {
    return this.collections.userProducts.find({ userId }).sort({ lastPaidAt: -1, _id: 1 }).toArray();
  }

  /** Takes the buyer off one of their orders, which still counts; true when this call did. */
  async forgetBuyer(orderId: string, userId: string, at: Date): Promise<boolean> {
    const result = await this.collections.purchases.updateOne(
      { _id: orderId, userId },
      { $set: { userId: null, buyerErasedAt: at } },
    );
    return result.modifiedCount === 1;
  }

  /** Forgets which products the user bought; returns how many. */
  async forgetProductsBoughtBy(userId: string): Promise<number> {
    return (await this.collections.userProducts.deleteMany({ userId })).deletedCount;
  }

  /** Products by units sold since `since`, most first (one accumulator per `$group`: FerretDB). */
  async bestSellersSince(since: Date, limit: number): Promise<string[]> {
    const rows = await this.collections.dailySales
      .aggregate<{ _id: string; units: number }>([
        { $match: { day: { $gte: dayOf(since) } } },
        { $group: { _id: "$productId", units: { $sum: "$units" } } },
        { $sort: { units: -1, _id: 1 } },
        { $limit: limit },
      ])
      .toArray();
    return rows.map((row) => row._id);
  }

  /**
   * Recomputes every counter from the purchase history: into fresh collections, swapped in by
   * rename, then the orders paid meanwhile are applied again (guarded, so at most once).
   */
  async rebuild(): Promise<{ orders: number; pairs: number }> {
    // Early, so an order stamped by another process's clock just before the history is read is
    // applied again below too (guarded: at most once).
    const startedAt = new Date(Date.now() - 5 * 60_000);
    const orders = await this.collections.purchases
      .find({})
      .sort({ paidAt: 1, _id: 1 })
      .map((row): HistoryOrder => ({ orderId: row._id, userId: row.userId, lines: row.lines, paidAt: row.paidAt }))
      .toArray();
    const aggregate = aggregateHistory(orders);
    const fresh = recommendationsCollections(this.db, "_rebuild");
    for (const name of Object.values(DERIVED_COLLECTIONS))
      await this.db
        .collection(`${name}_rebuild`)
        .drop()
        .catch(() => undefined);
    await bulkWriteInChunks(
      fresh.pairs,
      [...aggregate.pairs].map(([_id, pair]) => ({ insertOne: { document: { _id, ...pair } } })),
    );
    await bulkWriteInChunks(
      fresh.dailySales,
      [...aggregate.dailySales].map(([_id, sales]) => ({ insertOne: { document: { _id, ...sales } } })),
    );
    await bulkWriteInChunks(
      fresh.userProducts,
      [...aggregate.userProducts].map(([_id, bought]) => ({ insertOne: { document: { _id, ...bought } } })),
    );
    await ensureDerivedIndexes(fresh);
    for (const name of Object.values(DERIVED_COLLECTIONS)) {
      // An empty history creates no collection to rename.
      await this.db.createCollection(`${name}_rebuild`).catch(() => undefined);
      await this.replaceCollection(`${name}_rebuild`, name);
    }
    // Orders recorded around or after the read that it did not see (their live updates went to the
    // old collections); what the read saw is in the new counters already.
    const seen = new Set(orders.map((order) => order.orderId));
    const recent = await this.collections.purchases.find({ recordedAt: { $gte: startedAt } }).toArray();
    const meanwhile = recent.filter((row) => !seen.has(row._id));
    for (const row of meanwhile)
      await this.applyPurchase({ orderId: row._id, userId: row.userId, lines: row.lines, paidAt: row.paidAt });
    return { orders: orders.length + meanwhile.length, pairs: aggregate.pairs.size };
  }
}
