import { type Viewer } from "@cartograph/service-kit/auth";
import {
  refuse,
  succeed,
  userError,
  UserErrorCode,
  type Outcome,
  type UserError,
} from "@cartograph/service-kit/graphql";
import { z } from "zod";
import { CatalogueRepository } from "../catalogue/catalogue.repository";
import { CouponRepository } from "../coupon/coupon.repository";
import { isRedeemable } from "../coupon/coupon.rules";
import type { OrdersDb, OrdersExecutor } from "../db";
import type { CartLineRow, CartRow, CatalogueVariantRow, CouponRow } from "../db/schema";
import { priceCart, type PriceBreakdown, type ShippingTerms } from "./cart.pricing";
import { CartRepository, MAX_LINE_QUANTITY } from "./cart.repository";

export interface CartLineView {
  id: string;
  variantId: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  /** False when the product was deleted or never reached orders' catalogue: it cannot be bought. */
  available: boolean;
  /** Units inventory last said a checkout could reserve; null when it has not said. */
  stockAvailable: number | null;
  variant: CatalogueVariantRow | null;
}

export interface CartView extends PriceBreakdown {
  id: string;
  /** Null for a guest's cart. */
  userId: string | null;
  couponCode: string | null;
  lines: CartLineView[];
  totalQuantity: number;
  currencyCode: string;
}

/** Whose cart a command is about: a signed-in customer's own, or a guest's, by its id. */
export type CartKey = { userId: string } | { guestCartId: string };

const quantitySchema = z
  .number()
  .int("Quantities are whole numbers.")
  .min(1, "The quantity must be at least 1.")
  .max(MAX_LINE_QUANTITY, `At most ${MAX_LINE_QUANTITY} of one item.`);

/** A guest cart nobody has changed for this long is deleted (swept a few at a time as new ones are made). */
export const GUEST_CART_IDLE_DAYS = 30;
const GUEST_CARTS_SWEPT_PER_CREATE = 20;

/** How many lines one call may add, change or remove. */
export const MAX_LINES_PER_CALL = 50;

/** More of a variant was asked for than can be had: how many can, in the message and the error. */
export function outOfStock(productName: string, available: number, field: string[]): UserError {
  const message =
    available === 0
      ? `${productName} is out of stock.`
      : `Only ${available} of ${productName} ${available === 1 ? "is" : "are"} in stock.`;
  return userError(UserErrorCode.OUT_OF_STOCK, message, field, { quantityAvailable: available });
}

/** Every cart has this id, whether or not its row exists yet: looking at a cart never writes. */
export const cartIdOf = (userId: string) => `cart_${userId}`;

/**
 * The cart `cartId` names for this viewer: their own, or else a guest's. Only carts without a
 * customer are found by a guest key, so another customer's cart id is simply not found.
 */
export function cartKeyFor(viewer: Viewer | null, cartId: string): CartKey {
  return viewer && cartId === cartIdOf(viewer.userId) ? { userId: viewer.userId } : { guestCartId: cartId };
}

const unknownCart = () => userError(UserErrorCode.NOT_FOUND, "No cart has this id.", ["cartId"]);

/** Thrown inside a cart transaction to undo everything it did: a command changes all or nothing. */
class CartChangeRefused extends Error {
  constructor(readonly problem: UserError) {
    super(problem.message);
  }
}

/** Where a line's problem is reported: a single-line mutation's own arguments, or `lines[i]`. */
type FieldOf = (name: "variantId" | "quantity" | "id") => string[];
const ownArgument: FieldOf = (name) => [name === "id" ? "lineId" : name];
const lineInput =
  (index: number): FieldOf =>
  (name) => ["lines", String(index), name];

/** A shopper's cart (a customer's or a guest's): lines, quantities, the coupon, and what it all costs right now. */
export class CartService {
  private readonly carts: CartRepository;
  private readonly catalogue: CatalogueRepository;
  private readonly coupons: CouponRepository;

  constructor(
    private readonly db: OrdersDb,
    private readonly shipping: ShippingTerms,
    private readonly currencyCode: string,
  ) {
    this.carts = new CartRepository(db);
    this.catalogue = new CatalogueRepository(db);
    this.coupons = new CouponRepository(db);
  }

  /** A customer's cart, empty until they add something. */
  async view(userId: string, tx: OrdersExecutor = this.db): Promise<CartView> {
    return this.viewOf(cartIdOf(userId), userId, await this.carts.findByUser(userId, tx), tx);
  }

  /** The cart a key names; null for a guest cart that does not exist (or was merged). */
  async viewByKey(key: CartKey, tx: OrdersExecutor = this.db): Promise<CartView | null> {
    if ("userId" in key) return this.view(key.userId, tx);
    const cart = await this.carts.findGuest(key.guestCartId, tx);
    return cart ? this.viewOf(cart.id, null, cart, tx) : null;
  }

  private async viewOf(
    id: string,
    userId: string | null,
    cart: CartRow | undefined,
    tx: OrdersExecutor,
  ): Promise<CartView> {
    const lines = cart ? await this.carts.linesOf(cart.id, tx) : [];
    const coupon = cart?.couponCode ? ((await this.coupons.find(cart.couponCode, tx)) ?? null) : null;
    const variantIds = lines.map((l) => l.variantId);
    return this.price(
      { id, userId, couponCode: cart?.couponCode ?? null },
      lines,
      await this.catalogue.findByIds(variantIds, tx),
      await this.catalogue.stockOf(variantIds, tx),
      coupon,
    );
  }

  private price(
    cart: Pick<CartView, "id" | "userId" | "couponCode">,
    lines: CartLineRow[],
    variants: CatalogueVariantRow[],
    stock: Map<string, number>,
    coupon: CouponRow | null,
  ): CartView {
    const byId = new Map(variants.map((variant) => [variant.variantId, variant]));
    const views = lines.map((line): CartLineView => {
      const variant = byId.get(line.variantId) ?? null;
      const available = variant !== null && variant.active && variant.currencyCode === this.currencyCode;
      const unitPrice = variant?.price ?? 0;
      return {
        id: line.id,
        variantId: line.variantId,
        quantity: line.quantity,
        unitPrice,
        lineTotal: available ? unitPrice * line.quantity : 0,
        available,
        stockAvailable: stock.get(line.variantId) ?? null,
        variant,
      };
    });
    const priced = views.filter((line) => line.available);
    const terms = coupon && isRedeemable(coupon, new Date()) ? coupon : null;
    return {
      ...cart,
      lines: views,
      totalQuantity: priced.reduce((sum, line) => sum + line.quantity, 0),
      currencyCode: this.currencyCode,
      ...priceCart(priced, terms, this.shipping),
    };
  }

  /** A new, empty guest cart: its id is the guest's key to it until they sign in and merge it. */
  async createGuestCart(): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const idleSince = new Date(Date.now() - GUEST_CART_IDLE_DAYS * 24 * 60 * 60 * 1000);
      await this.carts.deleteIdleGuests(tx, idleSince, GUEST_CARTS_SWEPT_PER_CREATE);
      const cart = await this.carts.createGuest(tx);
      return this.viewOf(cart.id, null, cart, tx);
    });
  }

  addLine(viewer: Viewer, variantId: string, quantity: number): Promise<Outcome<CartView>> {
    return this.change({ userId: viewer.userId }, (tx, cartId) =>
      this.addOne(tx, cartId, { variantId, quantity }, ownArgument),
    );
  }

  /** Adds each line to the line for its variant, or starts one; all or nothing. */
  addLines(key: CartKey, lines: ReadonlyArray<{ variantId: string; quantity: number }>): Promise<Outcome<CartView>> {
    return this.changeLines(key, lines, (tx, cartId, line, field) => this.addOne(tx, cartId, line, field));
  }

  updateLine(viewer: Viewer, lineId: string, quantity: number): Promise<Outcome<CartView>> {
    return this.change({ userId: viewer.userId }, (tx, cartId) =>
      this.updateOne(tx, cartId, { id: lineId, quantity }, ownArgument),
    );
  }

  /** Sets each line's quantity (0 removes it); all or nothing. */
  updateLines(key: CartKey, lines: ReadonlyArray<{ id: string; quantity: number }>): Promise<Outcome<CartView>> {
    return this.changeLines(key, lines, (tx, cartId, line, field) => this.updateOne(tx, cartId, line, field));
  }

  removeLine(viewer: Viewer, lineId: string): Promise<Outcome<CartView>> {
    return this.change({ userId: viewer.userId }, (tx, cartId) => this.removeOne(tx, cartId, lineId, ownArgument));
  }

  removeLines(key: CartKey, lineIds: readonly string[]): Promise<Outcome<CartView>> {
    return this.changeLines(key, lineIds, (tx, cartId, id, field) => this.removeOne(tx, cartId, id, field));
  }

  /**
   * At sign-in: the guest cart's lines join the customer's cart (quantities add up, to the
   * maximum), its coupon too if the customer's cart has none, and the guest cart is gone.
   */
  mergeGuestCart(viewer: Viewer, guestCartId: string): Promise<Outcome<CartView>> {
    return this.change({ userId: viewer.userId }, async (tx, cartId, own) => {
      const guest = await this.carts.findGuest(guestCartId, tx, { lock: true });
      if (!guest) return unknownCart();
      await this.carts.addQuantities(tx, cartId, await this.carts.linesOf(guest.id, tx));
      if (guest.couponCode && !own.couponCode) await this.carts.setCoupon(tx, cartId, guest.couponCode);
      await this.carts.deleteCart(tx, guest.id);
      return null;
    });
  }

  private async addOne(
    tx: OrdersExecutor,
    cartId: string,
    { variantId, quantity }: { variantId: string; quantity: number },
    field: FieldOf,
  ): Promise<UserError | null> {
    const valid = quantitySchema.safeParse(quantity);
    if (!valid.success) return userError(UserErrorCode.INVALID, valid.error.issues[0]!.message, field("quantity"));
    const [variant] = await this.catalogue.findByIds([variantId], tx);
    if (!variant) return userError(UserErrorCode.NOT_FOUND, "No product variant has this id.", field("variantId"));
    if (!variant.active)
      return userError(UserErrorCode.INVALID, `${variant.productName} is no longer sold.`, field("variantId"));
    const line = await this.carts.findLine(tx, cartId, { variantId });
    const wanted = Math.min((line?.quantity ?? 0) + quantity, MAX_LINE_QUANTITY);
    const short = await this.shortage(tx, variant, wanted, field("quantity"));
    if (short) return short;
    await this.carts.addQuantity(tx, cartId, variantId, quantity);
    return null;
  }

  private async updateOne(
    tx: OrdersExecutor,
    cartId: string,
    { id, quantity }: { id: string; quantity: number },
    field: FieldOf,
  ): Promise<UserError | null> {
    if (quantity === 0) return this.removeOne(tx, cartId, id, field);
    const valid = quantitySchema.safeParse(quantity);
    if (!valid.success) return userError(UserErrorCode.INVALID, valid.error.issues[0]!.message, field("quantity"));
    const line = await this.carts.findLine(tx, cartId, { lineId: id });
    if (!line) return userError(UserErrorCode.NOT_FOUND, "Your cart has no line with this id.", field("id"));
    // More than before must be in stock; fewer is always allowed, even of what has run out.
    if (quantity > line.quantity) {
      const [variant] = await this.catalogue.findByIds([line.variantId], tx);
      const short = variant ? await this.shortage(tx, variant, quantity, field("quantity")) : null;
      if (short) return short;
    }
    await this.carts.setQuantity(tx, cartId, id, quantity);
    return null;
  }

  private async removeOne(tx: OrdersExecutor, cartId: string, lineId: string, field: FieldOf) {
    return (await this.carts.removeLine(tx, cartId, lineId))
      ? null
      : userError(UserErrorCode.NOT_FOUND, "Your cart has no line with this id.", field("id"));
  }

  /** OUT_OF_STOCK when inventory last said fewer units than wanted can be had; null when enough or unknown. */
  private async shortage(
    tx: OrdersExecutor,
    variant: Pick<CatalogueVariantRow, "variantId" | "productName">,
    wanted: number,
    field: string[],
  ): Promise<UserError | null> {
    const available = (await this.catalogue.stockOf([variant.variantId], tx)).get(variant.variantId);
    return available === undefined || wanted <= available ? null : outOfStock(variant.productName, available, field);
  }

  /** Applies a coupon (an empty code removes it). It must be redeemable now and fit this cart. */
  async applyCoupon(key: CartKey, code: string): Promise<Outcome<CartView>> {
    const normalized = code.trim().toUpperCase();
    return this.change(key, async (tx, cartId) => {
      if (normalized === "") {
        await this.carts.setCoupon(tx, cartId, null);
        return null;
      }
      const coupon = normalized.length <= 64 ? await this.coupons.find(normalized, tx) : undefined;
      const invalid = (message: string) => userError(UserErrorCode.COUPON_INVALID, message, ["code"]);
      if (!coupon) return invalid("This coupon code does not exist.");
      if (!isRedeemable(coupon, new Date())) return invalid("This coupon has expired or been used up.");
      const cart = (await this.viewByKey(key, tx))!;
      if (coupon.minSubtotal !== null && cart.subtotal < coupon.minSubtotal) {
        return invalid("Your cart does not reach this coupon's minimum order value yet.");
      }
      await this.carts.setCoupon(tx, cartId, coupon.code);
      return null;
    });
  }

  /** One change per item of a list, in order, on one locked cart: the first problem undoes them all. */
  private changeLines<T>(
    key: CartKey,
    items: readonly T[],
    apply: (tx: OrdersExecutor, cartId: string, item: T, field: FieldOf) => Promise<UserError | null>,
  ): Promise<Outcome<CartView>> {
    if (items.length === 0 || items.length > MAX_LINES_PER_CALL)
      return Promise.resolve(
        refuse(userError(UserErrorCode.INVALID, `Give 1 to ${MAX_LINES_PER_CALL} lines.`, ["lines"])),
      );
    return this.change(key, async (tx, cartId) => {
      for (const [index, item] of items.entries()) {
        const problem = await apply(tx, cartId, item, lineInput(index));
        if (problem) return problem;
      }
      return null;
    });
  }

  /** Runs a change on the locked cart; a user error it returns undoes the whole change and is reported. */
  private async change(
    key: CartKey,
    /** `cart` is the locked row as it was before the change. */
    apply: (tx: OrdersExecutor, cartId: string, cart: CartRow) => Promise<UserError | null>,
  ): Promise<Outcome<CartView>> {
    try {
      return await this.db.transaction(async (tx) => {
        const cart =
          "userId" in key
            ? await this.carts.lockForUser(tx, key.userId, cartIdOf(key.userId))
            : await this.carts.findGuest(key.guestCartId, tx, { lock: true });
        if (!cart) return refuse(unknownCart());
        const problem = await apply(tx, cart.id, cart);
        if (problem) throw new CartChangeRefused(problem);
        await this.carts.touch(tx, cart.id);
        return succeed((await this.viewByKey(key, tx))!);
      });
    } catch (error) {
      if (error instanceof CartChangeRefused) return refuse(error.problem);
      throw error;
    }
  }
}
