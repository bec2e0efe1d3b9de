/**
 * The recommendation model, as pure functions: the service stores what `aggregateHistory`
 * computes (incrementally, one paid order at a time), and the offline evaluation in bench/
 * runs the same functions in memory.
 */

const DAY_MS = 86_400_000;
/** A co-purchase counts half as much after this many days. */
export const HALF_LIFE_DAYS = 90;
/** Scores are stored relative to this instant, so they only ever grow and never need decaying. */
const SCORE_EPOCH_MS = Date.UTC(2024, 0, 1);
/** Pairs are taken among at most this many distinct products of one order (20 -> 380 pairs). */
export const MAX_PRODUCTS_PER_ORDER = 20;
/** Counter documents remember the last orders applied to them, so a redelivery adds nothing. */
export const APPLIED_ORDERS_KEPT = 32;

export interface PaidOrder {
  orderId: string;
  userId: string;
  lines: Array<{ productId: string; quantity: number }>;
  paidAt: Date;
}

/** A paid order as the history keeps it: `userId` is null once its buyer was erased (it still counts, for no one). */
export type HistoryOrder = Omit<PaidOrder, "userId"> & { userId: string | null };

/**
 * The weight of a purchase made at `paidAt`: exp(ln 2 * t / half-life), relative to a fixed
 * epoch. Ratios between weights are what decay would give (an order 90 days older weighs half),
 * and sums stay comparable across products without rewriting old scores.
 */
export function recencyWeight(paidAt: Date): number {
  return Math.exp((Math.LN2 * (paidAt.getTime() - SCORE_EPOCH_MS)) / (HALF_LIFE_DAYS * DAY_MS));
}

/** The distinct products of an order whose pairs are counted, in a stable order, capped. */
export function productsOf(order: Pick<PaidOrder, "lines">): string[] {
  return [...new Set(order.lines.map((line) => line.productId))].sort().slice(0, MAX_PRODUCTS_PER_ORDER);
}

/** Units per product of an order. */
export function unitsOf(order: Pick<PaidOrder, "lines">): Map<string, number> {
  const units = new Map<string, number>();
  for (const line of order.lines) units.set(line.productId, (units.get(line.productId) ?? 0) + line.quantity);
  return units;
}

/** Every ordered pair (a, b), a != b, of the order's products: a's neighbours include b and vice versa. */
export function coPurchasePairs(order: Pick<PaidOrder, "lines">): Array<[string, string]> {
  const products = productsOf(order);
  return products.flatMap((a) => products.filter((b) => b !== a).map((b): [string, string] => [a, b]));
}

/** Midnight UTC of the day `date` falls on: the bucket of daily sales. */
export function dayOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

export const pairKey = (productId: string, otherId: string) => `${productId}|${otherId}`;

export interface PairCounter {
  productId: string;
  otherId: string;
  score: number;
  count: number;
  lastPaidAt: Date;
  orders: string[];
}

export interface DailySales {
  productId: string;
  day: Date;
  units: number;
  orders: string[];
}

export interface UserProduct {
  userId: string;
  productId: string;
  lastPaidAt: Date;
}

export interface HistoryAggregate {
  pairs: Map<string, PairCounter>;
  dailySales: Map<string, DailySales>;
  userProducts: Map<string, UserProduct>;
}

/** What a whole order history adds up to: what the rebuild writes, and what the evaluation trains. */
export function aggregateHistory(orders: Iterable<HistoryOrder>): HistoryAggregate {
  const aggregate: HistoryAggregate = { pairs: new Map(), dailySales: new Map(), userProducts: new Map() };
  const remember = (list: string[], orderId: string) => {
    list.push(orderId);
    if (list.length > APPLIED_ORDERS_KEPT) list.shift();
  };
  for (const order of orders) {
    const weight = recencyWeight(order.paidAt);
    for (const [productId, otherId] of coPurchasePairs(order)) {
      const key = pairKey(productId, otherId);
      const pair = aggregate.pairs.get(key) ?? {
        productId,
        otherId,
        score: 0,
        count: 0,
        lastPaidAt: order.paidAt,
        orders: [],
      };
      pair.score += weight;
      pair.count += 1;
      if (order.paidAt > pair.lastPaidAt) pair.lastPaidAt = order.paidAt;
      remember(pair.orders, order.orderId);
      aggregate.pairs.set(key, pair);
    }
    const day = dayOf(order.paidAt);
    for (const [productId, units] of unitsOf(order)) {
      const key = pairKey(productId, day.toISOString());
      const sales = aggregate.dailySales.get(key) ?? { productId, day, units: 0, orders: [] };
      sales.units += units;
      remember(sales.orders, order.orderId);
      aggregate.dailySales.set(key, sales);
    }
    // Every product bought counts as bought (the cap applies to pairs only).
    const { userId } = order;
    if (userId === null) continue;
    for (const productId of unitsOf(order).keys()) {
      const key = pairKey(userId, productId);
      const bought = aggregate.userProducts.get(key);
      if (!bought || order.paidAt > bought.lastPaidAt)
        aggregate.userProducts.set(key, { userId, productId, lastPaidAt: order.paidAt });
    }
  }
  return aggregate;
}

export interface Neighbour {
  otherId: string;
  score: number;
}

/**
 * Candidates ranked by the sum of their scores over every list (one list per product the
 * shopper looks at or bought), best first, ties by id; `excluded` never appears.
 */
export function rankCandidates(
  lists: ReadonlyArray<ReadonlyArray<Neighbour>>,
  excluded: ReadonlySet<string>,
): string[] {
  const totals = new Map<string, number>();
  for (const list of lists)
    for (const { otherId, score } of list)
      if (!excluded.has(otherId)) totals.set(otherId, (totals.get(otherId) ?? 0) + score);
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
}

/** Appends `fallback` ids not yet chosen nor excluded until `limit` are chosen. */
export function fillUp(
  chosen: readonly string[],
  fallback: readonly string[],
  excluded: ReadonlySet<string>,
  limit: number,
): string[] {
  const result = chosen.slice(0, limit);
  const taken = new Set(result);
  for (const id of fallback) {
    if (result.length >= limit) break;
    if (!taken.has(id) && !excluded.has(id)) {
      result.push(id);
      taken.add(id);
    }
  }
  return result;
}
