import { runServiceCommand } from "@cartograph/service-kit";
import { connectMongo } from "@cartograph/service-kit/mongo";
import { recommendationsEnvSchema } from "../config";
import { ensureRecommendationsIndexes } from "../db";
import { seedOrderHistory } from "../seed/order-history";

// `pnpm seed`, once the services run: the synthetic order history (see seed/order-history.ts).
runServiceCommand("recommendations", "seed", recommendationsEnvSchema, async (config, log) => {
  const store = connectMongo(config.MONGODB_URL, log, { maxPoolSize: 2, socketTimeoutMs: 600_000 });
  try {
    await ensureRecommendationsIndexes(store.db);
    await seedOrderHistory(store.db, log);
  } finally {
    await store.close();
  }
});
