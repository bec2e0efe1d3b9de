import { connectPostgres, createLogger, loadConfigOrExit, queueOwner } from "@cartograph/service-kit";
import { inventoryEnvSchema } from "./config";
import { schema } from "./db";
import { seedDemoStock } from "./seed";
import { waitForCatalogueToSettle } from "./seed-wait";

// `pnpm seed`, once the platform runs: demo stock for the variants the catalogue announced.
async function main() {
  const config = loadConfigOrExit("inventory", inventoryEnvSchema);
  const log = createLogger("inventory-seed", config.LOG_LEVEL);
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 2 });
  try {
    // The products seed publishes variants just before this runs: let them arrive first.
    await waitForCatalogueToSettle({
      rabbitmqUrl: config.RABBITMQ_URL,
      queuePrefix: queueOwner("inventory", config.EVENTS_QUEUE_NAMESPACE),
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
}

main().catch((error: unknown) => {
  process.stderr.write(`[inventory] seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
