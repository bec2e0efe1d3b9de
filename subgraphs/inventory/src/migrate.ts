import { connectPostgres, createLogger, loadConfigOrExit, migratePostgres } from "@cartograph/service-kit";
import { INVENTORY_SERVICE_DIR } from "./app";
import { inventoryEnvSchema } from "./config";
import { schema } from "./db";

// `pnpm migrate`: applies the checked-in migrations in drizzle/ (a Job in Kubernetes).
async function main() {
  const config = loadConfigOrExit("inventory", inventoryEnvSchema);
  const log = createLogger("inventory-migrate", config.LOG_LEVEL);
  const database = connectPostgres(config.DATABASE_URL, schema, log, { max: 1 });
  try {
    await migratePostgres(database.db, INVENTORY_SERVICE_DIR);
    log.info("inventory database migrated");
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[inventory] migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
