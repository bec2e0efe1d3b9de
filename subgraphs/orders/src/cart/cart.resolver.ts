import { requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, money, type Outcome } from "@cartograph/service-kit/graphql";
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { OrdersContext } from "../context";
import { variantRef } from "../product/product-variant.stub";
import type { CartView } from "./cart.service";
import { Cart, CartPayload } from "./cart.type";

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

  @Authorized()
  @Mutation(() => CartPayload, { description: "An empty code removes the coupon." })
  async cartApplyCoupon(@Arg("code", () => String) code: string, @Ctx() ctx: OrdersContext) {
    return cartPayload(await ctx.services.cart.applyCoupon(requireViewer(ctx.viewer), code));
  }
}
