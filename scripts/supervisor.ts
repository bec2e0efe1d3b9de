import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceProcess } from "./processes";

export interface SupervisedPlatform {
  services: Record<string, ServiceProcess>;
  startService: (name: string) => Promise<ServiceProcess>;
}

export interface SupervisorOptions {
  /** Restart delays: doubling from `firstDelayMs` up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** A service that stayed up this long starts again from the first delay. */
  healthyAfterMs?: number;
  report: (line: string) => void;
}

export interface Supervisor {
  /** Stops restarting (before the platform is stopped on purpose). */
  stop: () => void;
  /** Restarts so far, per service. */
  restarts: () => Record<string, number>;
}

/**
 * Restarts any service that exits, as an orchestrator would: with a growing delay, each time
 * with a clear line saying what happened, so one crash never takes the whole platform down.
 */
export function superviseServices(
  platform: SupervisedPlatform,
  { firstDelayMs = 1_000, maxDelayMs = 30_000, healthyAfterMs = 60_000, report }: SupervisorOptions,
): Supervisor {
  let stopped = false;
  const restarts: Record<string, number> = {};

  const watch = async (name: string) => {
    let failuresInARow = 0;
    let running = platform.services[name]!;
    let upSince = Date.now();
    for (;;) {
      const code = await running.exited;
      if (stopped) return;
      if (Date.now() - upSince >= healthyAfterMs) failuresInARow = 0;
      const delayMs = Math.min(firstDelayMs * 2 ** failuresInARow, maxDelayMs);
      failuresInARow += 1;
      report(
        `${name} exited (${code === null ? "killed by a signal" : `code ${code}`}); restarting it in ${delayMs / 1000} s`,
      );
      await sleep(delayMs);
      if (stopped) return;
      try {
        running = await platform.startService(name);
        upSince = Date.now();
        restarts[name] = (restarts[name] ?? 0) + 1;
        report(`${name} is back (restart ${restarts[name]})`);
      } catch (error) {
        // It died while starting: `running` has exited already, so the next turn waits longer.
        report(`${name} could not start: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      }
    }
  };

  for (const name of Object.keys(platform.services)) void watch(name);
  return {
    stop: () => {
      stopped = true;
    },
    restarts: () => ({ ...restarts }),
  };
}
