import { connectPostgres, createLogger, loadConfigOrExit, runCommand } from "@cartograph/service-kit";
import { ProductService } from "./catalog/product.service";
import { CategoryService } from "./category/category.service";
import { productsEnvSchema } from "./config";
import { schema } from "./db";
import { seedDemoCatalogue } from "./seed/seed-catalogue";

// `pnpm seed`: the demo catalogue (idempotent). Its events wait in the outbox until the service runs.
runCommand("products-seed", async () => {
  const config = loadConfigOrExit("products", productsEnvSchema);
  const log = createLogger("products-seed", config.LOG_LEVEL);
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 2 });
  try {
    await seedDemoCatalogue(
      database.db,
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
