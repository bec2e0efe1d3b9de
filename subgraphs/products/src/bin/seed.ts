import { runServiceCommand } from "@cartograph/service-kit";
import { connectPostgres } from "@cartograph/service-kit/db";
import { CategoryService } from "../category/category.service";
import { productsEnvSchema } from "../config";
import { schema } from "../db";
import { ProductService } from "../product/product.service";
import { seedDemoCatalogue } from "../seed/catalogue";

// `pnpm seed`: the demo catalogue (idempotent). Its events wait in the outbox until the service runs.
runServiceCommand("products", "seed", productsEnvSchema, async (config, log) => {
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 2 });
  try {
    await seedDemoCatalogue(
      {
        products: new ProductService(database.db, config.STORE_CURRENCY),
        categories: new CategoryService(database.db),
      },
      log,
    );
  } finally {
    await database.close();
  }
});
