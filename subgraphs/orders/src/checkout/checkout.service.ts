import { newId } from "@cartograph/service-kit";
import { type Viewer } from "@cartograph/service-kit/auth";
import { isUniqueViolation } from "@cartograph/service-kit/db";
import {
  addressInputSchema,
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Outcome,
  type UserError,
} from "@cartograph/service-kit/graphql";
import { z } from "zod";
import { cartIdOf, outOfStock, type CartService, type CartView } from "../cart/cart.service";
import { CartRepository } from "../cart/cart.repository";
import { CouponRepository } from "../coupon/coupon.repository";
import type { OrdersDb, OrdersExecutor } from "../db";
import type { OrderLineRow, OrderRow } from "../db/schema";
import { announceOrderPlaced } from "../order/order.events";
import { OrderRepository } from "../order/order.repository";
import { OrderStatus } from "../order/order.state";

const checkoutSchema = z.object({
  shippingAddress: addressInputSchema,
  paymentToken: z.string().trim().min(1, "A payment token is required.").max(200, "The payment token is too long."),
  idempotencyKey: z
    .string()
    .trim()
    .min(1, "An idempotency key is required.")
    .max(100, "The idempotency key must be at most 100 characters."),
});

/** Same cart as the order? (variant and quantity per line, in any order) */
function sameLines(order: OrderLineRow[], cart: CartView): boolean {
  const key = (lines: Array<{ variantId: string; quantity: number }>) =>
    lines
      .map((line) => `${line.variantId}x${line.quantity}`)
      .sort()
      .join(",");
  return key(order) === key(cart.lines);
}

/**
 * `checkout`: one transaction turns the signed-in user's cart into a PENDING order with line
 * snapshots, empties the cart, and writes `order.placed`; the saga takes it from there.
 * An idempotency key makes retries safe: same key, same order, never a second charge.
 */
export class CheckoutService {
  private readonly orders: OrderRepository;
  private readonly carts: CartRepository;
  private readonly coupons: CouponRepository;

  constructor(
    private readonly db: OrdersDb,
    private readonly cart: CartService,
  ) {
    this.orders = new OrderRepository(db);
    this.carts = new CartRepository(db);
    this.coupons = new CouponRepository(db);
  }

  async checkout(viewer: Viewer, input: unknown): Promise<Outcome<OrderRow>> {
    const valid = validateInput(checkoutSchema, input, ["input"]);
    if (!valid.ok) return valid;
    const { shippingAddress, paymentToken, idempotencyKey } = valid.value;
    try {
      return await this.db.transaction(async (tx) => {
        // Locking the cart serialises this user's checkouts: concurrent retries of one key see one order.
        const cartRow = await this.carts.lockForUser(tx, viewer.userId, cartIdOf(viewer.userId));
        const cart = await this.cart.view(viewer.userId, tx);
        const existing = await this.orders.findByIdempotencyKey(tx, viewer.userId, idempotencyKey);
        if (existing) return this.replay(tx, existing, cart);
        const problems = this.checkoutProblems(cart);
        if (problems.length) return refuse<OrderRow>(...problems);
        if (
          cartRow.couponCode &&
          cart.discount > 0 &&
          !(await this.coupons.redeem(tx, cartRow.couponCode, new Date()))
        ) {
          return refuse<OrderRow>(
            userError(
              UserErrorCode.COUPON_INVALID,
              "Your coupon was used up or expired just now. Remove it and try again.",
            ),
          );
        }
        const order = await this.placeOrder(tx, viewer, cart, {
          shippingAddress,
          idempotencyKey,
          couponCode: cart.discount > 0 ? cartRow.couponCode : null,
        });
        await this.carts.empty(tx, cartRow.id);
        const lines = cart.lines.map((line) => ({
          variantId: line.variantId,
          productId: line.variant!.productId,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
        }));
        await announceOrderPlaced(tx, order, lines, paymentToken);
        return succeed(order);
      });
    } catch (error) {
      // Another request with this key won the race between our look-up and insert: it is a retry.
      if (isUniqueViolation(error, "orders_idempotency_key")) {
        const existing = await this.orders.findByIdempotencyKey(this.db, viewer.userId, idempotencyKey);
        if (existing) return succeed(existing);
      }
      throw error;
    }
  }

  /** A retry of a finished checkout returns its order, unless the cart now says something else. */
  private async replay(tx: OrdersExecutor, existing: OrderRow, cart: CartView): Promise<Outcome<OrderRow>> {
    if (cart.lines.length === 0 || sameLines(await this.orders.linesOf([existing.id], tx), cart))
      return succeed(existing);
    return refuse(
      userError(
        UserErrorCode.IDEMPOTENCY_CONFLICT,
        "This idempotency key was already used for a different cart. Use a new key for a new order.",
        ["input", "idempotencyKey"],
      ),
    );
  }

  private checkoutProblems(cart: CartView): UserError[] {
    if (cart.lines.length === 0) return [userError(UserErrorCode.INVALID, "Your cart is empty.")];
    return cart.lines.flatMap((line) => {
      if (!line.available)
        return [
          userError(
            UserErrorCode.INVALID,
            `${line.variant?.productName ?? "An item"} is no longer sold. Remove it to check out.`,
            ["lines", line.id],
          ),
        ];
      if (line.stockAvailable !== null && line.quantity > line.stockAvailable)
        return [outOfStock(line.variant!.productName, line.stockAvailable, ["lines", line.id])];
      return [];
    });
  }

  /**
   * A checkout that failed (out of stock, declined) puts its lines back in the customer's cart,
   * beside anything added since, and its coupon back if the cart has none (the redemption is
   * released), so trying again is one step.
   */
  async giveCartBack(tx: OrdersExecutor, order: OrderRow): Promise<void> {
    const cart = await this.carts.lockForUser(tx, order.userId, cartIdOf(order.userId));
    await this.carts.addQuantities(tx, cart.id, await this.orders.linesOf([order.id], tx));
    if (order.couponCode) {
      await this.coupons.release(tx, order.couponCode);
      if (!cart.couponCode) await this.carts.setCoupon(tx, cart.id, order.couponCode);
    }
  }

  private async placeOrder(
    tx: OrdersExecutor,
    viewer: Viewer,
    cart: CartView,
    details: { shippingAddress: z.infer<typeof addressInputSchema>; idempotencyKey: string; couponCode: string | null },
  ): Promise<OrderRow> {
    const id = newId("ord");
    const { isDefault: _isDefault, ...address } = details.shippingAddress;
    return this.orders.insert(
      tx,
      {
        id,
        number: await this.orders.nextNumber(tx),
        userId: viewer.userId,
        status: OrderStatus.PENDING,
        subtotal: cart.subtotal,
        discount: cart.discount,
        shipping: cart.shipping,
        total: cart.total,
        currencyCode: cart.currencyCode,
        couponCode: details.couponCode,
        shippingAddress: address,
        idempotencyKey: details.idempotencyKey,
        placedAt: new Date(),
      },
      cart.lines.map((line, position) => ({
        orderId: id,
        position,
        variantId: line.variantId,
        productId: line.variant!.productId,
        sku: line.variant!.sku,
        name:
          line.variant!.title === "Default"
            ? line.variant!.productName
            : `${line.variant!.productName} (${line.variant!.title})`,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        lineTotal: line.lineTotal,
      })),
    );
  }
}
