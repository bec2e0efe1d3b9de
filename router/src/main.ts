import { createLogger, loadConfigOrExit, stopOnSignals } from "@cartograph/service-kit";
import { routerEnvSchema } from "./config";
import { startRouter } from "./server";

async function main() {
  const config = loadConfigOrExit("router", routerEnvSchema);
  const log = createLogger("router", config.LOG_LEVEL);
  const router = await startRouter({ config, log });
  stopOnSignals(log, [router.stop]);
}

main().catch((error: unknown) => {
  process.stderr.write(`[router] failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
