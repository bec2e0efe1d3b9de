import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { InventoryExecutor } from "../db";
import { orderReservations, reservations, type ReservationStatus, type Shortage } from "../db/schema";

export interface HeldLine {
  orderId: string;
  variantId: string;
  quantity: number;
}

/** The queries of reservations; every method runs in the caller's transaction. */
export class ReservationRepository {
  /**
   * Records that `orderId` asked for stock. True for the first caller; a concurrent second
   * caller waits here until the first commits, then gets false (and reads the first outcome).
   */
  async claimOrder(tx: InventoryExecutor, orderId: string): Promise<boolean> {
    const claimed = await tx
      .insert(orderReservations)
      .values({ orderId, outcome: "RESERVED" })
      .onConflictDoNothing()
      .returning({ orderId: orderReservations.orderId });
    return claimed.length === 1;
  }

  async outcomeOf(
    tx: InventoryExecutor,
    orderId: string,
  ): Promise<{ outcome: "RESERVED" | "REJECTED"; shortages: Shortage[] } | undefined> {
    const [row] = await tx
      .select({ outcome: orderReservations.outcome, shortages: orderReservations.shortages })
      .from(orderReservations)
      .where(eq(orderReservations.orderId, orderId));
    return row;
  }

  async markRejected(tx: InventoryExecutor, orderId: string, shortages: Shortage[]): Promise<void> {
    await tx
      .update(orderReservations)
      .set({ outcome: "REJECTED", shortages })
      .where(eq(orderReservations.orderId, orderId));
  }

  /** Serialises everything done to one order's reservation (commit vs release vs the sweeper). False if the order never asked. */
  async lockOrder(tx: InventoryExecutor, orderId: string): Promise<boolean> {
    const rows = await tx
      .select({ orderId: orderReservations.orderId })
      .from(orderReservations)
      .where(eq(orderReservations.orderId, orderId))
      .for("update");
    return rows.length === 1;
  }

  async insertHolds(
    tx: InventoryExecutor,
    orderId: string,
    lines: ReadonlyArray<{ variantId: string; quantity: number }>,
    ttlSeconds: number,
  ): Promise<void> {
    await tx.insert(reservations).values(
      lines.map((line) => ({
        orderId,
        variantId: line.variantId,
        quantity: line.quantity,
        status: "HELD" as const,
        // The database's clock, like the sweeper's: app servers' clocks may disagree.
        expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})`,
      })),
    );
  }

  /** Moves the orders' lines from one status to another; returns the lines that moved. */
  async changeStatus(
    tx: InventoryExecutor,
    orderIds: readonly string[],
    from: ReservationStatus,
    to: ReservationStatus,
    { expiredOnly = false } = {},
  ): Promise<HeldLine[]> {
    return tx
      .update(reservations)
      .set({ status: to, updatedAt: sql`now()` })
      .where(
        and(
          inArray(reservations.orderId, [...orderIds]),
          eq(reservations.status, from),
          expiredOnly ? lte(reservations.expiresAt, sql`now()`) : undefined,
        ),
      )
      .returning({ orderId: reservations.orderId, variantId: reservations.variantId, quantity: reservations.quantity });
  }

  /**
   * Locks up to `limit` orders holding expired stock. SKIP LOCKED: replicas sweeping at once take
   * different orders, and an order a saga step is working on is left to that step.
   */
  async lockExpiredOrders(tx: InventoryExecutor, limit: number): Promise<string[]> {
    const expired = tx
      .select({ orderId: reservations.orderId })
      .from(reservations)
      .where(and(eq(reservations.status, "HELD"), lte(reservations.expiresAt, sql`now()`)));
    const rows = await tx
      .select({ orderId: orderReservations.orderId })
      .from(orderReservations)
      .where(inArray(orderReservations.orderId, expired))
      .limit(limit)
      .for("update", { skipLocked: true });
    return rows.map((row) => row.orderId);
  }

  async linesOf(tx: InventoryExecutor, orderId: string): Promise<Array<HeldLine & { status: ReservationStatus }>> {
    return tx
      .select({
        orderId: reservations.orderId,
        variantId: reservations.variantId,
        quantity: reservations.quantity,
        status: reservations.status,
      })
      .from(reservations)
      .where(eq(reservations.orderId, orderId))
      .orderBy(reservations.variantId);
  }
}
