import { requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, money, type Outcome } from "@cartograph/service-kit/graphql";
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { OrdersContext } from "../context";
import { variantRef } from "../product/product-variant.stub";
import { cartKeyFor, MAX_LINES_PER_CALL, type CartView } from "./cart.service";
import { Cart, CartLineInput, CartLineUpdateInput, CartPayload } from "./cart.type";

/** The GraphQL shape of a priced cart: amounts become Money, variants become references. */
export function cartShape(cart: CartView): Cart {
  const m = (amount: number) => money(amount, cart.currencyCode);
  return {
    id: cart.id,
    couponCode: cart.couponCode,
    totalQuantity: cart.totalQuantity,
    subtotal: m(cart.subtotal),
    discount: m(cart.discount),
    shipping: m(cart.shipping),
    total: m(cart.total),
    lines: cart.lines.map((line) => ({
      id: line.id,
      variant: variantRef(line.variantId),
      quantity: line.quantity,
      unitPrice: m(line.unitPrice),
      lineTotal: m(line.lineTotal),
      available: line.available,
    })),
  };
}

function cartPayload(outcome: Outcome<CartView>): CartPayload {
  return outcome.ok ? { cart: cartShape(outcome.value), userErrors: [] } : { cart: null, userErrors: outcome.errors };
}

@Resolver(() => Cart)
export class CartResolver {
  @Authorized()
  @Query(() => Cart, { description: "(signed in) Your cart; empty until you add something." })
  async myCart(@Ctx() ctx: OrdersContext): Promise<Cart> {
    return cartShape(await ctx.services.cart.view(requireViewer(ctx.viewer).userId));
  }

  @Authorized()
  @Mutation(() => CartPayload, { description: "Adds to the line for this variant if there is one." })
  async cartAddLine(
    @Arg("variantId", () => ID) variantId: string,
    @Arg("quantity", () => Int) quantity: number,
    @Ctx() ctx: OrdersContext,
  ) {
    return cartPayload(await ctx.services.cart.addLine(requireViewer(ctx.viewer), variantId, quantity));
  }

  @Authorized()
  @Mutation(() => CartPayload, { description: "A quantity of 0 removes the line." })
  async cartUpdateLine(
    @Arg("lineId", () => ID) lineId: string,
    @Arg("quantity", () => Int) quantity: number,
    @Ctx() ctx: OrdersContext,
  ) {
    return cartPayload(await ctx.services.cart.updateLine(requireViewer(ctx.viewer), lineId, quantity));
  }

  @Authorized()
  @Mutation(() => CartPayload)
  async cartRemoveLine(@Arg("lineId", () => ID) lineId: string, @Ctx() ctx: OrdersContext) {
    return cartPayload(await ctx.services.cart.removeLine(requireViewer(ctx.viewer), lineId));
  }

  // No cache hint: like every field without one, never cached by the router.
  @Query(() => Cart, {
    nullable: true,
    description:
      "A cart by its id: a guest's (whoever holds the id), or your own when signed in. Null when there is none.",
  })
  async cart(@Arg("id", () => ID) id: string, @Ctx() ctx: OrdersContext): Promise<Cart | null> {
    const view = await ctx.services.cart.viewByKey(cartKeyFor(ctx.viewer, id));
    return view ? cartShape(view) : null;
  }

  @Mutation(() => CartPayload, {
    description:
      "A new, empty guest cart. Keep its id: it is the only key to the cart until `cartMerge` at sign-in. Signed-in customers already have one (`myCart`).",
  })
  async cartCreate(@Ctx() ctx: OrdersContext): Promise<CartPayload> {
    return { cart: cartShape(await ctx.services.cart.createGuestCart()), userErrors: [] };
  }

  @Mutation(() => CartPayload, {
    description: `Adds lines to a cart by its id (a guest's, or your own); all or nothing, 1 to ${MAX_LINES_PER_CALL} lines.`,
  })
  async cartLinesAdd(
    @Arg("cartId", () => ID) cartId: string,
    @Arg("lines", () => [CartLineInput]) lines: CartLineInput[],
    @Ctx() ctx: OrdersContext,
  ) {
    return cartPayload(await ctx.services.cart.addLines(cartKeyFor(ctx.viewer, cartId), lines));
  }

  @Mutation(() => CartPayload, { description: "Sets lines' quantities (0 removes a line); all or nothing." })
  async cartLinesUpdate(
    @Arg("cartId", () => ID) cartId: string,
    @Arg("lines", () => [CartLineUpdateInput]) lines: CartLineUpdateInput[],
    @Ctx() ctx: OrdersContext,
  ) {
    return cartPayload(await ctx.services.cart.updateLines(cartKeyFor(ctx.viewer, cartId), lines));
  }

  @Mutation(() => CartPayload, { description: "Removes lines by their ids; all or nothing." })
  async cartLinesRemove(
    @Arg("cartId", () => ID) cartId: string,
    @Arg("lineIds", () => [ID]) lineIds: string[],
    @Ctx() ctx: OrdersContext,
  ) {
    return cartPayload(await ctx.services.cart.removeLines(cartKeyFor(ctx.viewer, cartId), lineIds));
  }

  @Authorized()
  @Mutation(() => CartPayload, {
    description:
      "(signed in) At sign-in: a guest cart's lines join your cart (quantities add up), with its coupon if yours has none; the guest cart is gone.",
  })
  async cartMerge(@Arg("cartId", () => ID) cartId: string, @Ctx() ctx: OrdersContext) {
    return cartPayload(await ctx.services.cart.mergeGuestCart(requireViewer(ctx.viewer), cartId));
  }

  // Open to guests with their cart's id; without one it is the caller's own cart, so signed in only.
  @Mutation(() => CartPayload, {
    description:
      "Applies a coupon; an empty code removes it. The cart is `cartId`'s (a guest's, or your own), else yours (signed in).",
  })
  async cartApplyCoupon(
    @Arg("code", () => String) code: string,
    @Arg("cartId", () => ID, { nullable: true }) cartId: string | null | undefined,
    @Ctx() ctx: OrdersContext,
  ) {
    const key = cartId != null ? cartKeyFor(ctx.viewer, cartId) : { userId: requireViewer(ctx.viewer).userId };
    return cartPayload(await ctx.services.cart.applyCoupon(key, code));
  }
}
