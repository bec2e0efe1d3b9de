import "reflect-metadata";
import { createLogger, loadConfigOrExit, stopOnSignals } from "@cartograph/service-kit";
import { startInventoryService } from "./app";
import { inventoryEnvSchema } from "./config";

async function main() {
  const config = loadConfigOrExit("inventory", inventoryEnvSchema);
  const log = createLogger("inventory", config.LOG_LEVEL);
  const service = await startInventoryService(config, log);
  stopOnSignals(log, [service.stop]);
}

main().catch((error: unknown) => {
  process.stderr.write(`[inventory] failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
