import type { CustomerDataHandlers } from "@cartograph/events";
import { CartRepository } from "../cart/cart.repository";
import type { OrdersDb, OrdersExecutor } from "../db";
import type { OrderRow } from "../db/schema";
import { OrderRepository } from "../order/order.repository";

const iso = (at: Date) => at.toISOString();

/**
 * Orders' part of a customer's data request: their cart and their orders. On deletion the cart
 * goes; orders stay for the accounts, with the shipping address reduced to its country.
 */
export class OrdersCustomerData implements CustomerDataHandlers<OrdersExecutor> {
  private readonly carts: CartRepository;
  private readonly orders: OrderRepository;

  constructor(db: OrdersDb) {
    this.carts = new CartRepository(db);
    this.orders = new OrderRepository(db);
  }

  async exportCustomerData(tx: OrdersExecutor, userId: string) {
    const cart = await this.carts.findByUser(userId, tx);
    const cartLines = cart ? await this.carts.linesOf(cart.id, tx) : [];
    const placed = await this.orders.allOfUser(tx, userId);
    const ids = placed.map((order) => order.id);
    const lines = ids.length ? await this.orders.linesOf(ids, tx) : [];
    const history = ids.length ? await this.orders.historyOf(ids, tx) : [];
    return {
      cart: cart && {
        couponCode: cart.couponCode,
        updatedAt: iso(cart.updatedAt),
        lines: cartLines.map((line) => ({
          variantId: line.variantId,
          quantity: line.quantity,
          addedAt: iso(line.createdAt),
        })),
      },
      orders: placed.map((order) => {
        const money = (amount: number) => ({ amount, currencyCode: order.currencyCode });
        return {
          id: order.id,
          number: order.number,
          status: order.status,
          placedAt: iso(order.placedAt),
          subtotal: money(order.subtotal),
          discount: money(order.discount),
          shipping: money(order.shipping),
          total: money(order.total),
          couponCode: order.couponCode,
          shippingAddress: order.shippingAddress,
          lines: lines
            .filter((line) => line.orderId === order.id)
            .map((line) => ({
              variantId: line.variantId,
              productId: line.productId,
              sku: line.sku,
              name: line.name,
              quantity: line.quantity,
              unitPrice: money(line.unitPrice),
              lineTotal: money(line.lineTotal),
            })),
          statusHistory: history
            .filter((change) => change.orderId === order.id)
            .map((change) => ({ status: change.status, reason: change.reason, at: iso(change.at) })),
        };
      }),
      couponCodesUsed: couponCodesOf(placed),
    };
  }

  async eraseCustomerData(tx: OrdersExecutor, userId: string) {
    const { carts, cartLines } = await this.carts.deleteForUser(tx, userId);
    // Orders keep `user_id`: it is a random id, and once users has anonymised the account it
    // maps to nobody, while the orders still add up in the accounts.
    const ordersAnonymised = await this.orders.anonymiseAddressesOfUser(tx, userId);
    return { carts, cartLines, ordersAnonymised };
  }
}

function couponCodesOf(placed: OrderRow[]): string[] {
  return [...new Set(placed.flatMap((order) => (order.couponCode ? [order.couponCode] : [])))];
}
