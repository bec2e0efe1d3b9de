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
import type { CartLineRow, CatalogueVariantRow, CouponRow } from "../db/schema";
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
  userId: string;
  couponCode: string | null;
  lines: CartLineView[];
  totalQuantity: number;
  currencyCode: string;
}

const quantitySchema = z
  .number()
  .int("Quantities are whole numbers.")
  .min(1, "The quantity must be at least 1.")
  .max(MAX_LINE_QUANTITY, `At most ${MAX_LINE_QUANTITY} of one item.`);

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

/** A shopper's cart: lines, quantities, the coupon, and what it all costs right now. */
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

  async view(userId: string, tx: OrdersExecutor = this.db): Promise<CartView> {
    const cart = await this.carts.findByUser(userId, tx);
    const lines = cart ? await this.carts.linesOf(cart.id, tx) : [];
    const coupon = cart?.couponCode ? ((await this.coupons.find(cart.couponCode, tx)) ?? null) : null;
    const variantIds = lines.map((l) => l.variantId);
    return this.price(
      userId,
      cart?.couponCode ?? null,
      lines,
      await this.catalogue.findByIds(variantIds, tx),
      await this.catalogue.stockOf(variantIds, tx),
      coupon,
    );
  }

  private price(
    userId: string,
    couponCode: string | null,
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
      id: cartIdOf(userId),
      userId,
      couponCode,
      lines: views,
      totalQuantity: priced.reduce((sum, line) => sum + line.quantity, 0),
      currencyCode: this.currencyCode,
      ...priceCart(priced, terms, this.shipping),
    };
  }

  async addLine(viewer: Viewer, variantId: string, quantity: number): Promise<Outcome<CartView>> {
    const valid = quantitySchema.safeParse(quantity);
    if (!valid.success) return refuse(userError(UserErrorCode.INVALID, valid.error.issues[0]!.message, ["quantity"]));
    const [variant] = await this.catalogue.findByIds([variantId]);
    if (!variant) return refuse(userError(UserErrorCode.NOT_FOUND, "No product variant has this id.", ["variantId"]));
    if (!variant.active)
      return refuse(userError(UserErrorCode.INVALID, `${variant.productName} is no longer sold.`, ["variantId"]));
    return this.change(viewer, async (tx, cartId) => {
      const line = await this.carts.findLine(tx, cartId, { variantId });
      const wanted = Math.min((line?.quantity ?? 0) + quantity, MAX_LINE_QUANTITY);
      const short = await this.shortage(tx, variant, wanted, ["quantity"]);
      if (short) return short;
      await this.carts.addQuantity(tx, cartId, variantId, quantity);
      return null;
    });
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

  async updateLine(viewer: Viewer, lineId: string, quantity: number): Promise<Outcome<CartView>> {
    if (quantity === 0) return this.removeLine(viewer, lineId);
    const valid = quantitySchema.safeParse(quantity);
    if (!valid.success) return refuse(userError(UserErrorCode.INVALID, valid.error.issues[0]!.message, ["quantity"]));
    return this.change(viewer, async (tx, cartId) => {
      const line = await this.carts.findLine(tx, cartId, { lineId });
      if (!line) return userError(UserErrorCode.NOT_FOUND, "Your cart has no line with this id.", ["lineId"]);
      // More than before must be in stock; fewer is always allowed, even of what has run out.
      if (quantity > line.quantity) {
        const [variant] = await this.catalogue.findByIds([line.variantId], tx);
        const short = variant ? await this.shortage(tx, variant, quantity, ["quantity"]) : null;
        if (short) return short;
      }
      await this.carts.setQuantity(tx, cartId, lineId, quantity);
      return null;
    });
  }

  removeLine(viewer: Viewer, lineId: string): Promise<Outcome<CartView>> {
    return this.change(viewer, async (tx, cartId) =>
      (await this.carts.removeLine(tx, cartId, lineId))
        ? null
        : userError(UserErrorCode.NOT_FOUND, "Your cart has no line with this id.", ["lineId"]),
    );
  }

  /** Applies a coupon (an empty code removes it). It must be redeemable now and fit this cart. */
  async applyCoupon(viewer: Viewer, code: string): Promise<Outcome<CartView>> {
    const normalized = code.trim().toUpperCase();
    return this.change(viewer, async (tx, cartId) => {
      if (normalized === "") {
        await this.carts.setCoupon(tx, cartId, null);
        return null;
      }
      const coupon = normalized.length <= 64 ? await this.coupons.find(normalized, tx) : undefined;
      const invalid = (message: string) => userError(UserErrorCode.COUPON_INVALID, message, ["code"]);
      if (!coupon) return invalid("This coupon code does not exist.");
      if (!isRedeemable(coupon, new Date())) return invalid("This coupon has expired or been used up.");
      const cart = await this.view(viewer.userId, tx);
      if (coupon.minSubtotal !== null && cart.subtotal < coupon.minSubtotal) {
        return invalid("Your cart does not reach this coupon's minimum order value yet.");
      }
      await this.carts.setCoupon(tx, cartId, coupon.code);
      return null;
    });
  }

  /** Runs a change on the locked cart; a returned user error rolls nothing back but is reported. */
  private async change(
    viewer: Viewer,
    apply: (tx: OrdersExecutor, cartId: string) => Promise<UserError | null>,
  ): Promise<Outcome<CartView>> {
    return this.db.transaction(async (tx) => {
      const cart = await this.carts.lockForUser(tx, viewer.userId, cartIdOf(viewer.userId));
      const problem = await apply(tx, cart.id);
      if (problem) return refuse(problem);
      return succeed(await this.view(viewer.userId, tx));
    });
  }
}
