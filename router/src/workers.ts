import cluster from "node:cluster";
import { createLogger, loadConfigOrExit, runCommand, stopOnSignals } from "@cartograph/service-kit";
import { routerEnvSchema } from "./config";
import { startRouter } from "./server";

/**
 * The router on several cores: with ROUTER_WORKERS > 1 the first process forks that many workers
 * sharing one listening port (node:cluster hands each connection to one of them) and restarts a
 * worker that dies. Each worker is a whole router: its own subgraph pools, caches and
 * subscription feed (a WebSocket lives in one worker, which follows its own events). SIGTERM on
 * the first process stops every worker gracefully.
 */
export function runRouter(): void {
  runCommand("router", async () => {
    const config = loadConfigOrExit("router", routerEnvSchema);
    const log = createLogger("router", config.LOG_LEVEL);
    if (config.ROUTER_WORKERS <= 1 || !cluster.isPrimary) {
      const router = await startRouter({
        config,
        log: cluster.isWorker ? log.child({ worker: cluster.worker?.id }) : log,
      });
      stopOnSignals(log, [router.stop]);
      return;
    }
    let stopping = false;
    const fork = () =>
      cluster.fork().on("exit", (code, signal) => {
        if (stopping) return;
        log.error({ code, signal }, "a router worker died: starting another");
        fork();
      });
    for (let i = 0; i < config.ROUTER_WORKERS; i += 1) fork();
    log.info({ workers: config.ROUTER_WORKERS }, "router workers started");
    stopOnSignals(log, [
      async () => {
        stopping = true;
        const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
        await Promise.all(
          workers.map(
            (worker) =>
              new Promise<void>((resolve) => {
                worker.once("exit", () => resolve());
                worker.process.kill("SIGTERM");
              }),
          ),
        );
      },
    ]);
  });
}
