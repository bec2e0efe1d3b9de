import { newestFirstPage } from "@cartograph/service-kit/db";
import type { PageRequest } from "@cartograph/service-kit/graphql";
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { OrdersExecutor } from "../db";
import {
  orderLines,
  orderNumbers,
  orders,
  orderStatusChanges,
  type OrderLineRow,
  type OrderRow,
  type OrderStatusChangeRow,
} from "../db/schema";
import type { OrderStatus } from "./order.state";

/** What an anonymised address says in place of each personal field. */
export const ERASED = "[erased]";

export class OrderRepository {
  constructor(private readonly db: OrdersExecutor) {}

  findByIds(ids: readonly string[]): Promise<OrderRow[]> {
    return this.db
      .select()
      .from(orders)
      .where(inArray(orders.id, [...ids]));
  }

  async findByIdempotencyKey(tx: OrdersExecutor, userId: string, key: string): Promise<OrderRow | undefined> {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.userId, userId), eq(orders.idempotencyKey, key)));
    return order;
  }

  /** Locks an order for a status change. */
  async lock(tx: OrdersExecutor, id: string): Promise<OrderRow | undefined> {
    const [order] = await tx.select().from(orders).where(eq(orders.id, id)).for("update");
    return order;
  }

  async nextNumber(tx: OrdersExecutor): Promise<string> {
    const result = await tx.execute<{ value: string }>(sql`select nextval(${orderNumbers.seqName}) as value`);
    return `CG-${result.rows[0]!.value}`;
  }

  async insert(
    tx: OrdersExecutor,
    order: typeof orders.$inferInsert,
    lines: Array<typeof orderLines.$inferInsert>,
  ): Promise<OrderRow> {
    const [created] = await tx.insert(orders).values(order).returning();
    await tx.insert(orderLines).values(lines);
    await tx
      .insert(orderStatusChanges)
      .values({ orderId: created!.id, status: created!.status, reason: null, at: created!.placedAt });
    return created!;
  }

  async setStatus(
    tx: OrdersExecutor,
    id: string,
    status: OrderStatus,
    reason: string | null,
    cancellationReason: string | null = null,
  ): Promise<{ order: OrderRow; at: Date }> {
    const at = new Date();
    const [order] = await tx
      .update(orders)
      .set({ status, cancellationReason, updatedAt: at })
      .where(eq(orders.id, id))
      .returning();
    await tx.insert(orderStatusChanges).values({ orderId: id, status, reason, at });
    return { order: order!, at };
  }

  linesOf(orderIds: readonly string[], tx: OrdersExecutor = this.db): Promise<OrderLineRow[]> {
    return tx
      .select()
      .from(orderLines)
      .where(inArray(orderLines.orderId, [...orderIds]))
      .orderBy(asc(orderLines.orderId), asc(orderLines.position));
  }

  historyOf(orderIds: readonly string[], tx: OrdersExecutor = this.db): Promise<OrderStatusChangeRow[]> {
    return tx
      .select()
      .from(orderStatusChanges)
      .where(inArray(orderStatusChanges.orderId, [...orderIds]))
      .orderBy(asc(orderStatusChanges.orderId), asc(orderStatusChanges.at));
  }

  /** Every order of one user, oldest first (a customer's data export). */
  allOfUser(tx: OrdersExecutor, userId: string): Promise<OrderRow[]> {
    return tx.select().from(orders).where(eq(orders.userId, userId)).orderBy(asc(orders.placedAt), asc(orders.id));
  }

  /**
   * Erasure: replaces the shipping address of each of the user's orders by one that only keeps
   * the country (tax needs it). Built from the country alone, so any field an address gains later
   * is dropped too. Orders already anonymised are left alone: the count is of those changed now.
   */
  async anonymiseAddressesOfUser(tx: OrdersExecutor, userId: string): Promise<number> {
    const anonymised = sql`jsonb_build_object(
      'line1', ${ERASED}::text, 'line2', null, 'city', ${ERASED}::text, 'postalCode', ${ERASED}::text,
      'country', ${orders.shippingAddress}->'country')`;
    const changed = await tx
      .update(orders)
      .set({ shippingAddress: anonymised, updatedAt: new Date() })
      .where(and(eq(orders.userId, userId), sql`${orders.shippingAddress} <> ${anonymised}`))
      .returning({ id: orders.id });
    return changed.length;
  }

  /** Newest first, optionally one user's or one status's; keyset on (placed_at, id). */
  async list(filter: { userId?: string; status?: OrderStatus }, page: PageRequest): Promise<OrderRow[]> {
    const keyset = newestFirstPage(orders.placedAt, orders.id, page);
    return this.db
      .select()
      .from(orders)
      .where(and(this.matching(filter), keyset.where))
      .orderBy(...keyset.orderBy)
      .limit(page.limit + 1);
  }

  async count(filter: { userId?: string; status?: OrderStatus }): Promise<number> {
    const [row] = await this.db.select({ value: count() }).from(orders).where(this.matching(filter));
    return row?.value ?? 0;
  }

  private matching(filter: { userId?: string; status?: OrderStatus }) {
    return and(
      filter.userId ? eq(orders.userId, filter.userId) : undefined,
      filter.status ? eq(orders.status, filter.status) : undefined,
    );
  }
}
