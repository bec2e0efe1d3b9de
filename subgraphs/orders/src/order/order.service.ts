import { forbidden, type Logger } from "@cartograph/service-kit";
import { hasRole, Role, type Viewer } from "@cartograph/service-kit/auth";
import {
  buildConnection,
  lazy,
  parsePageArgs,
  type PageArgsInput,
  refuse,
  succeed,
  userError,
  UserErrorCode,
  type Connection,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import type { OrdersDb, OrdersExecutor } from "../db";
import type { OrderRow } from "../db/schema";
import {
  announceOrderCancelled,
  announceOrderPaid,
  announceOrderRefunded,
  announceStatusChanged,
} from "./order.events";
import { OrderRepository } from "./order.repository";
import {
  ADMIN_SETTABLE,
  CANCELLABLE,
  canTransition,
  isOrderStatus,
  OrderCancellationReason,
  OrderStatus,
} from "./order.state";

/** Thrown to have an event retried later: it answers a step the order has not reached yet. */
export class OrderNotReadyError extends Error {}

export interface TransitionResult {
  order: OrderRow;
  applied: boolean;
}

/** Order status, its history, and who may see or change what. */
export class OrderService {
  private readonly orders: OrderRepository;

  constructor(
    private readonly db: OrdersDb,
    private readonly log: Logger,
  ) {
    this.orders = new OrderRepository(db);
  }

  /**
   * Moves an order along the transition table and announces it (status_changed, plus order.paid,
   * order.cancelled or order.refunded). A move the table does not allow changes nothing and is
   * logged: that is how late, duplicate or contradictory saga events are made harmless.
   */
  async transition(
    tx: OrdersExecutor,
    orderId: string,
    to: OrderStatus,
    reason: string | null,
    {
      onlyFrom,
      notYetIn,
      cancellationReason = null,
    }: {
      /** A saga answer is about one step: a declined payment cancels a RESERVED order, never a PAID one. */
      onlyFrom?: readonly OrderStatus[];
      notYetIn?: readonly OrderStatus[];
      /** Required to cancel: the code clients act on. */
      cancellationReason?: OrderCancellationReason | null;
    } = {},
  ): Promise<TransitionResult | null> {
    if ((to === OrderStatus.CANCELLED) !== (cancellationReason !== null))
      throw new Error(`a move to ${to} ${cancellationReason ? "takes no" : "needs a"} cancellation reason`);
    const order = await this.orders.lock(tx, orderId);
    if (!order) return null;
    const from = order.status as OrderStatus;
    // Payments answers inventory's event in parallel with orders: its answer can overtake the step it follows.
    if (notYetIn?.includes(from)) throw new OrderNotReadyError(`order ${orderId} is still ${from}: ${to} must wait`);
    if (!canTransition(from, to) || (onlyFrom && !onlyFrom.includes(from))) {
      this.log.info({ orderId, from, to }, "order status change ignored: not allowed from the current status");
      return { order, applied: false };
    }
    const { order: updated, at } = await this.orders.setStatus(tx, orderId, to, reason, cancellationReason);
    await announceStatusChanged(tx, order, to, from, reason, at);
    if (to === OrderStatus.PAID) await announceOrderPaid(tx, order, await this.orders.linesOf([orderId], tx), at);
    if (to === OrderStatus.CANCELLED) await announceOrderCancelled(tx, order, reason ?? "Cancelled");
    if (to === OrderStatus.REFUNDED) await announceOrderRefunded(tx, order);
    return { order: updated, applied: true };
  }

  /** The customer (or an admin) cancels before shipping; stock is released and any payment refunded. */
  async cancelOrder(viewer: Viewer, orderId: string): Promise<Outcome<OrderRow>> {
    return this.db.transaction(async (tx) => {
      const order = await this.orders.lock(tx, orderId);
      if (!order) return refuse(userError(UserErrorCode.NOT_FOUND, "No order has this id.", ["id"]));
      if (order.userId !== viewer.userId && !hasRole(viewer, Role.ADMIN)) throw forbidden();
      if (!CANCELLABLE.has(order.status as OrderStatus)) {
        return refuse(
          userError(UserErrorCode.INVALID_STATE, `A ${order.status.toLowerCase()} order can no longer be cancelled.`, [
            "id",
          ]),
        );
      }
      const byCustomer = order.userId === viewer.userId;
      const result = await this.transition(
        tx,
        orderId,
        OrderStatus.CANCELLED,
        `Cancelled by ${byCustomer ? "the customer" : "an administrator"}`,
        {
          cancellationReason: byCustomer
            ? OrderCancellationReason.CANCELLED_BY_CUSTOMER
            : OrderCancellationReason.CANCELLED_BY_ADMIN,
        },
      );
      return succeed(result!.order);
    });
  }

  /** Admins record fulfilment: SHIPPED, then DELIVERED. */
  async updateOrderStatus(orderId: string, status: string): Promise<Outcome<OrderRow>> {
    if (!isOrderStatus(status) || !ADMIN_SETTABLE.has(status)) {
      return refuse(
        userError(UserErrorCode.INVALID, "Only SHIPPED and DELIVERED can be set by hand; the checkout sets the rest.", [
          "status",
        ]),
      );
    }
    return this.db.transaction(async (tx) => {
      const result = await this.transition(tx, orderId, status, null);
      if (!result) return refuse(userError(UserErrorCode.NOT_FOUND, "No order has this id.", ["id"]));
      if (!result.applied) {
        return refuse(
          userError(
            UserErrorCode.INVALID_STATE,
            `A ${result.order.status.toLowerCase()} order cannot become ${status.toLowerCase()}.`,
            ["status"],
          ),
        );
      }
      return succeed(result.order);
    });
  }

  async listOrders(
    filter: { userId?: string; status?: OrderStatus },
    args: PageArgsInput,
  ): Promise<Connection<OrderRow>> {
    const page = parsePageArgs(args, 2);
    const rows = await this.orders.list(filter, page);
    return buildConnection(
      rows,
      page,
      lazy(() => this.orders.count(filter)),
      (order) => [order.placedAt.toISOString(), order.id],
    );
  }
}
