/**
 * Offline evaluation of the recommendations on the demo's synthetic order history:
 *   pnpm exec tsx bench/recommendations-eval.ts [customers=400] [seed=20261122]
 * Each customer's last order is held out; the rest trains the model (the same aggregation and
 * the same RecommendationService the subgraph runs, over memory instead of MongoDB). Reports
 * hit rate at 4 against a popularity baseline (the 4 best sellers of the training orders).
 */
import {
  aggregateHistory,
  dayOf,
  generateOrderHistory,
  productsOf,
  RecommendationService,
  type CatalogueProduct,
  type CoPurchaseReader,
  type Neighbour,
  type PaidOrder,
} from "@cartograph/recommendations";

const customers = Number(process.argv[2] ?? 400);
const seed = Number(process.argv[3] ?? 20261122);
const K = 4;

// The demo catalogue's shape: 26 leaf categories of 10 products.
const catalogue: CatalogueProduct[] = Array.from({ length: 260 }, (_, i) => ({
  productId: `prd_${String(i).padStart(3, "0")}`,
  categoryId: `cat_${String(i % 26).padStart(2, "0")}`,
}));

function inMemoryReader(orders: PaidOrder[]): CoPurchaseReader {
  const { pairs, dailySales, userProducts } = aggregateHistory(orders);
  const neighboursOf = new Map<string, Neighbour[]>();
  for (const pair of pairs.values())
    neighboursOf.set(pair.productId, [
      ...(neighboursOf.get(pair.productId) ?? []),
      { otherId: pair.otherId, score: pair.score },
    ]);
  for (const list of neighboursOf.values()) list.sort((a, b) => b.score - a.score || (a.otherId < b.otherId ? -1 : 1));
  const bought = (userId: string) =>
    [...userProducts.values()]
      .filter((row) => row.userId === userId)
      .sort((a, b) => b.lastPaidAt.getTime() - a.lastPaidAt.getTime());
  return {
    neighbours: async (productId, limit) => (neighboursOf.get(productId) ?? []).slice(0, limit),
    neighboursOfAll: async (productIds, limit) => {
      const best = productIds
        .flatMap((productId) => (neighboursOf.get(productId) ?? []).map((n) => ({ productId, ...n })))
        .sort((a, b) => b.score - a.score)
        .slice(0, limit);
      return productIds.map((productId) => best.filter((row) => row.productId === productId));
    },
    boughtBy: async (userId, limit) =>
      bought(userId)
        .slice(0, limit)
        .map((row) => row.productId),
    boughtAmong: async (userId, productIds) =>
      new Set(productIds.filter((productId) => userProducts.has(`${userId}|${productId}`))),
    bestSellersSince: async (since, limit) => {
      const units = new Map<string, number>();
      for (const sales of dailySales.values())
        if (sales.day >= dayOf(since)) units.set(sales.productId, (units.get(sales.productId) ?? 0) + sales.units);
      return [...units]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([id]) => id);
    },
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const history = generateOrderHistory(catalogue, { customers, seed });
  const lastOrderOf = new Map<string, PaidOrder>();
  const ordersOf = new Map<string, number>();
  for (const order of history) {
    lastOrderOf.set(order.userId, order); // sorted by time: the last one wins
    ordersOf.set(order.userId, (ordersOf.get(order.userId) ?? 0) + 1);
  }
  const heldOut = new Set(
    [...lastOrderOf].filter(([userId]) => ordersOf.get(userId)! >= 2).map(([, order]) => order.orderId),
  );
  const train = history.filter((order) => !heldOut.has(order.orderId));
  const test = history.filter((order) => heldOut.has(order.orderId));

  const reader = inMemoryReader(train);
  const everythingActive = { activeAmong: async (ids: readonly string[]) => new Set(ids) };
  const service = new RecommendationService(reader, everythingActive);
  const popular = await reader.bestSellersSince(new Date(0), K + 50);
  const trainBought = aggregateHistory(train).userProducts;

  const tally = { together: { cases: 0, model: 0, baseline: 0 }, forUser: { cases: 0, model: 0, baseline: 0 } };
  for (const order of test) {
    const products = productsOf(order);
    // Frequently bought together: from the first product put in the basket, guess the others.
    const anchor = order.lines[0]!.productId;
    const others = new Set(products.filter((id) => id !== anchor));
    if (others.size > 0) {
      tally.together.cases += 1;
      const guessed = await service.frequentlyBoughtTogether(anchor, K);
      if (guessed.some((id) => others.has(id))) tally.together.model += 1;
      if (
        popular
          .filter((id) => id !== anchor)
          .slice(0, K)
          .some((id) => others.has(id))
      )
        tally.together.baseline += 1;
    }
    // Recommended for the customer: guess what they buy next that they never bought before.
    const isNew = (id: string) => !trainBought.has(`${order.userId}|${id}`);
    const targets = new Set(products.filter(isNew));
    if (targets.size > 0) {
      tally.forUser.cases += 1;
      const guessed = await service.recommendedProducts(order.userId, K);
      if (guessed.some((id) => targets.has(id))) tally.forUser.model += 1;
      if (
        popular
          .filter(isNew)
          .slice(0, K)
          .some((id) => targets.has(id))
      )
        tally.forUser.baseline += 1;
    }
  }
  const rate = (hits: number, cases: number) => `${((100 * hits) / Math.max(cases, 1)).toFixed(1)}%`;
  console.log(
    `history: ${history.length} orders from ${customers} customers over ${catalogue.length} products; held out ${test.length} last orders, trained on ${train.length}`,
  );
  console.log(
    `frequentlyBoughtTogether hit@${K}: model ${rate(tally.together.model, tally.together.cases)} vs popularity ${rate(tally.together.baseline, tally.together.cases)} (${tally.together.cases} baskets)`,
  );
  console.log(
    `recommendedProducts      hit@${K}: model ${rate(tally.forUser.model, tally.forUser.cases)} vs popularity ${rate(tally.forUser.baseline, tally.forUser.cases)} (${tally.forUser.cases} customers)`,
  );
  console.log(`took ${Date.now() - started} ms`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
