import { connectMongo, createLogger, loadConfigOrExit, runCommand } from "@cartograph/service-kit";
import { recommendationsEnvSchema } from "./config";
import { CoPurchaseRepository } from "./copurchase/copurchase.repository";
import { ensureRecommendationsIndexes } from "./db";

// `pnpm --filter @cartograph/recommendations rebuild`: every count recomputed from the order history.
runCommand("recommendations-rebuild", async () => {
  const config = loadConfigOrExit("recommendations", recommendationsEnvSchema);
  const log = createLogger("recommendations-rebuild", config.LOG_LEVEL);
  const store = connectMongo(config.MONGODB_URL, log, { maxPoolSize: 2 });
  try {
    await ensureRecommendationsIndexes(store.db);
    const started = Date.now();
    const { orders, pairs } = await new CoPurchaseRepository(store.db).rebuild();
    log.info({ orders, pairs, ms: Date.now() - started }, "recommendations rebuilt from the order history");
  } finally {
    await store.close();
  }
});
