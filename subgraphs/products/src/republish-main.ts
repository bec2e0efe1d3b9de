import { enqueueEvent } from "@cartograph/events";
import { connectPostgres, createLogger, loadConfigOrExit, runCommand } from "@cartograph/service-kit";
import { asc, gt } from "drizzle-orm";
import { productSnapshot, variantSnapshot } from "./catalog/product.events";
import { ProductRepository } from "./catalog/product.repository";
import { productsEnvSchema } from "./config";
import { schema } from "./db";
import { products } from "./db/schema";

/**
 * `pnpm --filter @cartograph/products republish`: announces every product and variant again
 * (`product.updated`, `variant.updated`), so services that keep a copy of the catalogue (orders,
 * inventory) can rebuild theirs. Consumers apply snapshots idempotently, newest wins.
 */
runCommand("products-republish", async () => {
  const config = loadConfigOrExit("products", productsEnvSchema);
  const log = createLogger("products-republish", config.LOG_LEVEL);
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 2 });
  const repository = new ProductRepository(database.db);
  let after = "";
  let count = 0;
  try {
    for (;;) {
      const batch = await database.db
        .select({ id: products.id })
        .from(products)
        .where(gt(products.id, after))
        .orderBy(asc(products.id))
        .limit(200);
      if (batch.length === 0) break;
      await database.db.transaction(async (tx) => {
        const rows = await repository.findByIds(batch.map((row) => row.id));
        const variants = await repository.variantsOf(
          rows.map((row) => row.id),
          tx,
        );
        for (const product of rows) {
          const own = variants.filter((variant) => variant.productId === product.id);
          await enqueueEvent(tx, {
            type: "product.updated",
            aggregateId: product.id,
            data: productSnapshot(product, own),
          });
          for (const variant of own)
            await enqueueEvent(tx, {
              type: "variant.updated",
              aggregateId: variant.id,
              data: variantSnapshot(product, variant),
            });
        }
      });
      count += batch.length;
      after = batch.at(-1)!.id;
    }
    log.info({ products: count }, "catalogue republished: the outbox relay sends it when the products service runs");
  } finally {
    await database.close();
  }
});
