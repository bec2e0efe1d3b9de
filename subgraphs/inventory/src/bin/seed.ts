import { queueOwner, runServiceCommand } from "@cartograph/service-kit";
import { connectPostgres } from "@cartograph/service-kit/db";
import { inventoryEnvSchema } from "../config";
import { schema } from "../db";
import { waitForCatalogueToSettle } from "../seed/catalogue-settled";
import { seedDemoStock } from "../seed/stock";

// `pnpm seed`, once the platform runs: demo stock for the variants the catalogue announced.
runServiceCommand("inventory", "seed", inventoryEnvSchema, async (config, log) => {
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 2 });
  try {
    // The products seed publishes variants just before this runs: let them arrive first.
    await waitForCatalogueToSettle({
      rabbitmqUrl: config.RABBITMQ_URL,
      queueOwner: queueOwner("inventory", config.EVENTS_QUEUE_NAMESPACE),
      db: database.db,
      log,
    });
    const { seeded } = await seedDemoStock(database.db);
    log.info(
      { seeded },
      seeded
        ? "demo stock given to variants never counted before"
        : "every variant already has stock history: nothing to seed",
    );
  } finally {
    await database.close();
  }
});
