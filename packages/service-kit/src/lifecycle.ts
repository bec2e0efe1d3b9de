import type { Logger } from "pino";

export type Shutdown = () => Promise<void>;

/**
 * Runs the given shutdown steps in order on SIGTERM/SIGINT (stop accepting, finish in-flight
 * requests, close consumers and pools), then exits. A second signal exits at once.
 */
export function stopOnSignals(log: Logger, steps: Shutdown[], { graceMs = 25_000 } = {}): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("shutdown took too long: exiting");
      process.exit(1);
    }, graceMs);
    force.unref();
    (async () => {
      for (const step of steps) {
        try {
          await step();
        } catch (error) {
          log.error({ err: error }, "shutdown step failed");
        }
      }
      log.info("stopped");
      process.exit(0);
    })();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}
