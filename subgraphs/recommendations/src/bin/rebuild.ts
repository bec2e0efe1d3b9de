import { runServiceCommand } from "@cartograph/service-kit";
import { connectMongo } from "@cartograph/service-kit/mongo";
import { recommendationsEnvSchema } from "../config";
import { CoPurchaseRepository } from "../copurchase/copurchase.repository";
import { ensureRecommendationsIndexes } from "../db";

// `pnpm --filter @cartograph/recommendations rebuild`: every count recomputed from the order history.
runServiceCommand("recommendations", "rebuild", recommendationsEnvSchema, async (config, log) => {
  const store = connectMongo(config.MONGODB_URL, log, { maxPoolSize: 2, socketTimeoutMs: 600_000 });
  try {
    await ensureRecommendationsIndexes(store.db);
    const started = Date.now();
    const { orders, pairs } = await new CoPurchaseRepository(store.db).rebuild();
    log.info({ orders, pairs, ms: Date.now() - started }, "recommendations rebuilt from the order history");
  } finally {
    await store.close();
  }
});
