import "reflect-metadata";
import { createLogger, loadConfigOrExit, stopOnSignals } from "@cartograph/service-kit";
import { startUsersService } from "./app";
import { usersEnvSchema } from "./config";

async function main() {
  const config = loadConfigOrExit("users", usersEnvSchema);
  const log = createLogger("users", config.LOG_LEVEL);
  const service = await startUsersService(config, log);
  stopOnSignals(log, [service.stop]);
}

main().catch((error: unknown) => {
  process.stderr.write(`[users] failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
