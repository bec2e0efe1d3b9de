import { seededRandom } from "@cartograph/demo-data";
import type { PaidOrder } from "../copurchase/copurchase.model";

export interface CatalogueProduct {
  productId: string;
  categoryId: string | null;
}

export interface SyntheticHistoryOptions {
  customers?: number;
  /** Orders are spread over this many days before `now`. */
  days?: number;
  now?: Date;
  /** Same seed, same catalogue: same history. */
  seed?: number;
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Picks from `items`, the first ones much more often (Zipf-like: a few bestsellers, a long tail). */
function pickPopular<T>(items: readonly T[], next: () => number): T {
  const weights = items.map((_, rank) => 1 / (rank + 1) ** 0.9);
  let roll = next() * weights.reduce((sum, w) => sum + w, 0);
  for (let i = 0; i < items.length; i += 1) {
    roll -= weights[i]!;
    if (roll <= 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/**
 * A made-up but realistic order history over a catalogue: customers shop one or two favourite
 * categories; each product has a companion in a complementary category (desk and chair) and one
 * in its own (two lamps), which shoppers often add; a few popular products everybody buys.
 */
export function generateOrderHistory(
  products: readonly CatalogueProduct[],
  options: SyntheticHistoryOptions = {},
): PaidOrder[] {
  const { customers = 400, days = 120, now = new Date(), seed = 20261122 } = options;
  if (products.length < 2) return [];
  const next = seededRandom(seed);
  const byCategory = new Map<string, string[]>();
  for (const product of [...products].sort((a, b) => (a.productId < b.productId ? -1 : 1))) {
    const category = product.categoryId ?? "uncategorized";
    byCategory.set(category, [...(byCategory.get(category) ?? []), product.productId]);
  }
  const categories = shuffled([...byCategory.keys()].sort(), next);
  const ranked = new Map(categories.map((category) => [category, shuffled(byCategory.get(category)!, next)]));
  const complementOf = new Map(categories.map((category, i) => [category, categories[(i + 1) % categories.length]!]));
  const categoryOf = new Map(products.map((product) => [product.productId, product.categoryId ?? "uncategorized"]));
  const companions = new Map<string, { across: string; within: string | null }>();
  for (const product of products) {
    const category = categoryOf.get(product.productId)!;
    const within = ranked.get(category)!.filter((id) => id !== product.productId);
    companions.set(product.productId, {
      across: pickPopular(ranked.get(complementOf.get(category)!)!, next),
      within: within.length > 0 ? pickPopular(within, next) : null,
    });
  }
  const everything = shuffled(products.map((product) => product.productId).sort(), next);

  const orders: PaidOrder[] = [];
  for (let customer = 0; customer < customers; customer += 1) {
    const userId = `usr_demo_${String(customer).padStart(4, "0")}`;
    const favourites = shuffled(categories, next).slice(0, next() < 0.6 ? 1 : 2);
    let count = 1;
    while (count < 10 && next() < 0.72) count += 1;
    const times = Array.from({ length: count }, () => now.getTime() - next() * days * 86_400_000).sort((a, b) => a - b);
    times.forEach((time, index) => {
      const anchor = pickPopular(ranked.get(favourites[Math.floor(next() * favourites.length)]!)!, next);
      const basket = new Set([anchor]);
      const { across, within } = companions.get(anchor)!;
      if (next() < 0.65) basket.add(across);
      if (within && next() < 0.45) basket.add(within);
      if (next() < 0.15) basket.add(pickPopular(everything, next));
      orders.push({
        orderId: `ord_demo_${String(customer).padStart(4, "0")}_${index}`,
        userId,
        lines: [...basket].map((productId) => ({ productId, quantity: next() < 0.8 ? 1 : 2 })),
        paidAt: new Date(Math.round(time)),
      });
    });
  }
  return orders.sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime() || (a.orderId < b.orderId ? -1 : 1));
}
