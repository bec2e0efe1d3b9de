import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@cartograph/service-kit";
import type { Db } from "mongodb";
import { CatalogueRepository } from "../catalogue/catalogue.repository";
import { CoPurchaseRepository } from "../copurchase/copurchase.repository";
import { generateOrderHistory } from "./synthetic-history";

/**
 * A synthetic order history over the demo catalogue, so the demo recommends meaningfully from the
 * first query. Needs the catalogue's events consumed; runs once (a database that already has
 * history is left alone).
 */
export async function seedOrderHistory(db: Db, log: Logger): Promise<void> {
  if ((await db.collection("purchases").countDocuments({}, { limit: 1 })) > 0) {
    log.info("order history already present: seed skipped");
    return;
  }
  const products = await settledCatalogue(new CatalogueRepository(db));
  if (products.length === 0) {
    // An old database whose catalogue was seeded before this service's queue existed.
    log.warn(
      "no product events have arrived: run `pnpm --filter @cartograph/products republish`, then `pnpm seed`; no order history seeded",
    );
    return;
  }
  const history = generateOrderHistory(products);
  const coPurchases = new CoPurchaseRepository(db);
  await coPurchases.recordPurchases(history, { synthetic: true });
  const rebuilt = await coPurchases.rebuild();
  log.info(
    {
      products: products.length,
      orders: history.length,
      customers: new Set(history.map((o) => o.userId)).size,
      pairs: rebuilt.pairs,
    },
    "synthetic order history seeded",
  );
}

/** The active catalogue once its events have stopped arriving (the same count twice, 1 s apart); empty if none came. */
async function settledCatalogue(catalogue: CatalogueRepository, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let previous = -1;
  for (;;) {
    const products = await catalogue.allActive();
    if (products.length > 0 && products.length === previous) return products;
    if (Date.now() > deadline) return products;
    previous = products.length;
    await sleep(1_000);
  }
}
