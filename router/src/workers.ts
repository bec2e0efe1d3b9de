import cluster from "node:cluster";
import { createLogger, loadConfigOrExit, runCommand, stopOnSignals } from "@cartograph/service-kit";
import { startMetricsServer } from "@cartograph/service-kit/metrics";
import { stopTracing } from "@cartograph/service-kit/telemetry";
import { routerEnvSchema } from "./config";
import { startRouter } from "./server";

/**
 * The router on several cores: with ROUTER_WORKERS > 1 the first process forks that many workers
 * sharing one listening port (node:cluster hands each connection to one of them) and restarts a
 * worker that dies. Each worker is a whole router: its own subgraph pools, caches and
 * subscription feed (a WebSocket lives in one worker, which follows its own events). SIGTERM on
 * the first process stops every worker gracefully. A worker re-runs src/bin/main.ts, so each one
 * starts (src/tracing.ts) and flushes its own tracing.
 */
export function runRouter(): void {
  runCommand("router", async () => {
    const config = loadConfigOrExit("router", routerEnvSchema);
    const log = createLogger("router", config.LOG_LEVEL);
    if (config.ROUTER_WORKERS <= 1 || !cluster.isPrimary) {
      const router = await startRouter({
        config,
        log: cluster.isWorker ? log.child({ worker: cluster.worker?.id }) : log,
        // A worker's own metrics server would answer for whichever worker took the connection.
        serveMetrics: !cluster.isWorker,
      });
      stopOnSignals(log, [router.stop, stopTracing]);
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
    // The workers' metrics, summed (counters and histograms add up; gauges as each one says).
    const metrics = await startMetricsServer({ config, log, clusterWorkers: true });
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
        await metrics.stop();
      },
      stopTracing,
    ]);
  });
}
