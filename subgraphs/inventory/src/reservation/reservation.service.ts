import { z } from "zod";
import type { InventoryDb, InventoryTransaction } from "../db";
import type { ReservationStatus, Shortage } from "../db/schema";
import { announceStockChanged } from "../stock/stock.events";
import { StockRepository } from "../stock/stock.repository";
import { MAX_ON_HAND } from "../stock/stock.rules";
import { ReservationRepository, type HeldLine } from "./reservation.repository";

export type { Shortage };

export interface OrderLine {
  variantId: string;
  quantity: number;
}

export type ReservationOutcome = { ok: true } | { ok: false; shortages: Shortage[] };

export interface ReservationDecision {
  outcome: ReservationOutcome;
  /** False when an earlier call had already decided for this order: `outcome` repeats its answer. */
  decidedNow: boolean;
}

/** What became of a paid order's stock. */
export type PaidOrderOutcome =
  /** The held units left stock. */
  | { result: "committed"; lines: OrderLine[] }
  /** Its units had already left stock (a repeated payment notice): nothing to do. */
  | { result: "already-committed" }
  /** The hold had been released (expired, or cancelled); enough units were available again and are taken now. */
  | { result: "retaken"; lines: OrderLine[] }
  /** The hold had been released and stock no longer covers it: nothing was taken. */
  | { result: "short"; shortages: Shortage[] }
  /** Inventory never held stock for it (rejected, or never asked). */
  | { result: "nothing-held" };

export interface ReleasedOrder {
  orderId: string;
  lines: OrderLine[];
}

const requestSchema = z.object({
  orderId: z.string().min(1),
  lines: z
    .array(z.object({ variantId: z.string().min(1), quantity: z.number().int().positive().max(MAX_ON_HAND) }))
    .min(1, "an order reserves at least one line"),
});

/** How each change of a reservation's status moves units in stock_levels. */
const MOVES = {
  release: { from: "HELD", to: "RELEASED", units: (q: number) => ({ onHand: 0, reserved: -q }) },
  commit: { from: "HELD", to: "COMMITTED", units: (q: number) => ({ onHand: -q, reserved: -q }) },
  restock: { from: "COMMITTED", to: "RESTOCKED", units: (q: number) => ({ onHand: q, reserved: 0 }) },
  // A paid order whose hold was released: units held again just now (holdAll) leave stock at once.
  retake: { from: "RELEASED", to: "COMMITTED", units: (q: number) => ({ onHand: -q, reserved: -q }) },
} as const satisfies Record<
  string,
  { from: ReservationStatus; to: ReservationStatus; units: (q: number) => { onHand: number; reserved: number } }
>;

/**
 * Every transaction touches stock rows in this one order (code-unit order of the variant id),
 * so two transactions can never wait on each other's rows in a cycle (deadlock).
 */
const byVariantId = (a: OrderLine, b: OrderLine) =>
  a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0;

/** One line per variant (an order may list a variant twice), in lock order. */
function mergeLines(lines: readonly OrderLine[]): OrderLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.variantId, (merged.get(line.variantId) ?? 0) + line.quantity);
  return [...merged].map(([variantId, quantity]) => ({ variantId, quantity })).sort(byVariantId);
}

/** Thrown inside the savepoint to undo the lines that did fit when another did not. */
class Shortfall extends Error {
  constructor(readonly shortages: Shortage[]) {
    super("not enough stock");
  }
}

/**
 * Holding stock for orders: the checkout saga's primitives. Each method runs inside the caller's
 * transaction (the consumer's, which also marks the event processed) and is idempotent per order.
 */
export class ReservationService {
  private readonly reservations = new ReservationRepository();
  private readonly stock: StockRepository;

  constructor(
    db: InventoryDb,
    private readonly options: { ttlSeconds: number },
  ) {
    this.stock = new StockRepository(db);
  }

  /** Reserves every line or none. A second call for the same order returns the first outcome. */
  async reserveOrder(
    tx: InventoryTransaction,
    orderId: string,
    lines: readonly OrderLine[],
  ): Promise<ReservationOutcome> {
    return (await this.decideOrder(tx, orderId, lines)).outcome;
  }

  /** `reserveOrder`, also telling whether this call decided the outcome or repeats an earlier one. */
  async decideOrder(
    tx: InventoryTransaction,
    orderId: string,
    lines: readonly OrderLine[],
  ): Promise<ReservationDecision> {
    const request = requestSchema.parse({ orderId, lines });
    if (!(await this.reservations.claimOrder(tx, orderId)))
      return { outcome: await this.previousOutcome(tx, orderId), decidedNow: false };
    const merged = mergeLines(request.lines);
    const shortages = await this.holdAll(tx, merged);
    if (shortages.length > 0) {
      await this.reservations.markRejected(tx, orderId, shortages);
      return { outcome: { ok: false, shortages }, decidedNow: true };
    }
    await this.reservations.insertHolds(tx, orderId, merged, this.options.ttlSeconds);
    return { outcome: { ok: true }, decidedNow: true };
  }

  /** The order failed or was cancelled: held units become available again. Returns the lines released now. */
  releaseOrder(tx: InventoryTransaction, orderId: string): Promise<OrderLine[]> {
    return this.moveOrder(tx, orderId, "release");
  }

  /** The order is paid: held units leave the warehouse (on hand and reserved both drop). */
  commitOrder(tx: InventoryTransaction, orderId: string): Promise<OrderLine[]> {
    return this.moveOrder(tx, orderId, "commit");
  }

  /**
   * The order is paid: commits its hold. If the hold was released meanwhile (it expired and the
   * sweeper gave it back, or it was cancelled), that release stands — its units may be someone
   * else's by now — and the order competes for units again like any reservation: all lines are
   * taken from what is available now, or none. Repeating it takes nothing twice.
   */
  async commitPaidOrder(tx: InventoryTransaction, orderId: string): Promise<PaidOrderOutcome> {
    const committed = await this.commitOrder(tx, orderId); // also locks the order for what follows
    if (committed.length > 0) return { result: "committed", lines: committed };
    const lines = await this.reservations.linesOf(tx, orderId);
    if (lines.length === 0) return { result: "nothing-held" };
    // An order's lines always move together, so none released means all already left stock.
    const released = lines.filter((line) => line.status === "RELEASED");
    if (released.length === 0) return { result: "already-committed" };
    const shortages = await this.holdAll(tx, mergeLines(released));
    if (shortages.length > 0) return { result: "short", shortages };
    return { result: "retaken", lines: await this.moveOrder(tx, orderId, "retake") };
  }

  /** The order was refunded: its committed units return to stock on hand. */
  restockOrder(tx: InventoryTransaction, orderId: string): Promise<OrderLine[]> {
    return this.moveOrder(tx, orderId, "restock");
  }

  /** Releases the holds of up to `limit` orders whose reservation expired (a stuck saga). */
  async releaseExpired(tx: InventoryTransaction, limit: number): Promise<ReleasedOrder[]> {
    const orderIds = await this.reservations.lockExpiredOrders(tx, limit);
    if (orderIds.length === 0) return [];
    const moved = await this.reservations.changeStatus(tx, orderIds, "HELD", "RELEASED", { expiredOnly: true });
    await this.moveUnits(tx, moved, MOVES.release.units);
    // A replica that committed a release just before our lock was taken leaves nothing to move:
    // SKIP LOCKED rechecks the locked row, not the expiry subquery, so such orders come back here
    // and are dropped rather than reported (and announced) twice.
    return orderIds
      .map((orderId) => ({
        orderId,
        lines: moved
          .filter((line) => line.orderId === orderId)
          .map(({ variantId, quantity }) => ({ variantId, quantity })),
      }))
      .filter((order) => order.lines.length > 0);
  }

  /** The order's lines and their statuses, for callers and tests that need to look. */
  linesOf(tx: InventoryTransaction, orderId: string): Promise<Array<OrderLine & { status: ReservationStatus }>> {
    return this.reservations.linesOf(tx, orderId);
  }

  private async previousOutcome(tx: InventoryTransaction, orderId: string): Promise<ReservationOutcome> {
    const previous = await this.reservations.outcomeOf(tx, orderId);
    return previous?.outcome === "REJECTED" ? { ok: false, shortages: previous.shortages } : { ok: true };
  }

  // Tries every line (to report every shortage), then rolls the savepoint back if any is short.
  private async holdAll(tx: InventoryTransaction, lines: OrderLine[]): Promise<Shortage[]> {
    try {
      await tx.transaction(async (savepoint) => {
        const shortages: Shortage[] = [];
        for (const line of lines) {
          if (await this.stock.reserve(savepoint, line.variantId, line.quantity)) continue;
          shortages.push({
            variantId: line.variantId,
            requested: line.quantity,
            available: await this.stock.availableFor(savepoint, line.variantId),
          });
        }
        if (shortages.length > 0) throw new Shortfall(shortages);
      });
      await announceStockChanged(
        tx,
        this.stock,
        lines.map((line) => line.variantId),
      );
      return [];
    } catch (error) {
      if (error instanceof Shortfall) return error.shortages;
      throw error;
    }
  }

  // Only lines still in the `from` status move, so repeating a call moves nothing.
  private async moveOrder(tx: InventoryTransaction, orderId: string, kind: keyof typeof MOVES): Promise<OrderLine[]> {
    const move = MOVES[kind];
    if (!(await this.reservations.lockOrder(tx, orderId))) return [];
    const moved = await this.reservations.changeStatus(tx, [orderId], move.from, move.to);
    await this.moveUnits(tx, moved, move.units);
    return moved.map(({ variantId, quantity }) => ({ variantId, quantity })).sort(byVariantId);
  }

  private async moveUnits(
    tx: InventoryTransaction,
    lines: readonly HeldLine[],
    units: (quantity: number) => { onHand: number; reserved: number },
  ): Promise<void> {
    const merged = mergeLines(lines);
    for (const line of merged) await this.stock.moveUnits(tx, line.variantId, units(line.quantity));
    await announceStockChanged(
      tx,
      this.stock,
      merged.map((line) => line.variantId),
    );
  }
}
