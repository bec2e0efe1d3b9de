import { runServiceCommand } from "@cartograph/service-kit";
import { connectPostgres } from "@cartograph/service-kit/db";
import { productsEnvSchema } from "../config";
import { schema } from "../db";
import { ProductService } from "../product/product.service";

/**
 * `pnpm --filter @cartograph/products republish`: announces every product and variant again, so
 * services that keep a copy of the catalogue (orders, inventory, reviews, recommendations) can
 * rebuild theirs.
 */
runServiceCommand("products", "republish", productsEnvSchema, async (config, log) => {
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 2 });
  try {
    const count = await new ProductService(database.db, config.STORE_CURRENCY).republishCatalogue();
    log.info({ products: count }, "catalogue republished: the outbox relay sends it when the products service runs");
  } finally {
    await database.close();
  }
});
