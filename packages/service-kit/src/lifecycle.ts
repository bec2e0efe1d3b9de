import type { z } from "zod";
import { loadConfigOrExit } from "./config";
import { createLogger, type Logger } from "./logger";
import { stopTracing } from "./telemetry";

export type Shutdown = () => Promise<void>;

/** Something started that knows how to stop: a server or consumer (`stop`), a pool or connection (`close`). */
export type Stoppable = { stop(): Promise<unknown> } | { close(): Promise<unknown> };

/**
 * What a service started, stopped in reverse: the last thing started is the first stopped (the
 * server before the consumers, the consumers before the broker, the broker before the pool), so
 * no `stop` lists the order by hand.
 */
export class StopStack {
  private readonly steps: Array<{ name: string; stop: Shutdown }> = [];

  /**
   * Registers what was just started, and hands it back. It is stopped with its own `stop()` (a
   * server, a consumer, a relay) or `close()` (a pool, a broker connection).
   */
  add<T extends Stoppable>(name: string, started: T): T {
    const stop = "stop" in started ? () => started.stop() : () => started.close();
    this.steps.push({ name, stop: async () => void (await stop()) });
    return started;
  }

  /** Stops everything registered, last first. A failing step does not keep the others from stopping. */
  async stopAll(log?: Logger): Promise<void> {
    const failures: unknown[] = [];
    for (const { name, stop } of this.steps.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        log?.error({ err: error, step: name }, "stopping failed");
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} shutdown step(s) failed`);
  }
}

/**
 * Runs `start` with a fresh stop stack. If starting fails half-way, what already started is
 * stopped before the error propagates; otherwise the result gets `stop`, which unwinds the stack.
 */
export async function startStopping<T extends object>(
  start: (stops: StopStack) => Promise<T>,
): Promise<T & { stop: Shutdown }> {
  const stops = new StopStack();
  try {
    const started = await start(stops);
    return Object.assign(started, { stop: () => stops.stopAll() });
  } catch (error) {
    await stops.stopAll().catch(() => undefined);
    throw error;
  }
}

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

/** Ends a command-line process with a one-line reason instead of an unhandled rejection. */
export function runCommand(label: string, command: () => Promise<void>): void {
  command().catch((error: unknown) => {
    process.stderr.write(`[${label}] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

/** What a one-off command of a service (migrate, seed, rebuild) gets: its config and a logger. */
export function runServiceCommand<S extends z.ZodType>(
  service: string,
  command: string,
  envSchema: S,
  run: (config: z.infer<S>, log: Logger) => Promise<void>,
): void {
  runCommand(`${service}-${command}`, async () => {
    const config = loadConfigOrExit(service, envSchema);
    await run(config, createLogger(`${service}-${command}`, (config as { LOG_LEVEL?: string }).LOG_LEVEL));
  });
}

/**
 * `src/bin/main.ts` of every service: config -> start -> stop gracefully on SIGTERM/SIGINT, the
 * spans of that last work flushed at the very end (tracing was started by `src/tracing.ts`).
 */
export function runService<S extends z.ZodType>(
  service: string,
  envSchema: S,
  start: (config: z.infer<S>, log: Logger) => Promise<{ stop: Shutdown }>,
): void {
  runCommand(service, async () => {
    const config = loadConfigOrExit(service, envSchema);
    const log = createLogger(service, (config as { LOG_LEVEL?: string }).LOG_LEVEL);
    const running = await start(config, log);
    stopOnSignals(log, [running.stop, stopTracing]);
  });
}
