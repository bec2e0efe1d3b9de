import type { Logger } from "@cartograph/service-kit";
import type { InventoryDb } from "../db";
import type { ReservationService } from "./reservation.service";

export interface ReservationSweeper {
  /** Releases every expired hold now, batch by batch; resolves to the number of orders released. */
  sweepOnce(): Promise<number>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export interface SweeperOptions {
  db: InventoryDb;
  reservations: ReservationService;
  log: Logger;
  intervalMs: number;
  /** Orders per transaction: short transactions keep row locks brief. */
  batchSize?: number;
  /** Bounds one sweep, so a huge backlog cannot keep a tick running forever; the next tick goes on. */
  maxBatches?: number;
}

/**
 * Gives back stock held by orders whose saga got stuck (no payment, no cancellation) once their
 * reservation expires. Safe to run on every replica: batches are claimed with SKIP LOCKED.
 */
export function startReservationSweeper({
  db,
  reservations,
  log,
  intervalMs,
  batchSize = 50,
  maxBatches = 20,
}: SweeperOptions): ReservationSweeper {
  let running: Promise<number> | null = null;

  const sweep = async (): Promise<number> => {
    let released = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const orders = await db.transaction((tx) => reservations.releaseExpired(tx, batchSize));
      for (const order of orders)
        log.info({ orderId: order.orderId, lines: order.lines }, "reservation expired: stock released");
      released += orders.length;
      if (orders.length < batchSize) break;
    }
    return released;
  };

  // One sweep at a time in this process; a call during a sweep waits for it, then sweeps again.
  const sweepOnce = async (): Promise<number> => {
    while (running) await running.catch(() => undefined);
    running = sweep();
    try {
      return await running;
    } finally {
      running = null;
    }
  };

  const timer = setInterval(() => {
    if (running) return; // the previous tick is still at it
    sweepOnce().catch((err: unknown) => log.error({ err }, "reservation sweep failed; the next tick retries"));
  }, intervalMs);
  timer.unref();

  return {
    sweepOnce,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
