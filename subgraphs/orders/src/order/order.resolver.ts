import { requireOwnerOrAdmin, requireViewer, Role } from "@cartograph/service-kit/auth";
import { Address, Authorized, Money, money, toPayload, PageArgs } from "@cartograph/service-kit/graphql";
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { OrdersContext } from "../context";
import type { OrderRow } from "../db/schema";
import { User } from "../user/user.stub";
import { variantRef } from "../product/product-variant.stub";
import { OrderStatus } from "./order.state";
import {
  CheckoutInput,
  CheckoutPayload,
  Order,
  OrderConnection,
  OrderLine,
  OrderPayload,
  OrderStatusChange,
} from "./order.type";

@ArgsType()
class AdminOrderListArgs extends PageArgs {
  @Field(() => OrderStatus, { nullable: true }) status?: OrderStatus | null;
}

@Resolver(() => Order)
export class OrderResolver {
  @Authorized()
  @Query(() => Order, { nullable: true, description: "(owner) Null when no order has this id." })
  async order(@Arg("id", () => ID) id: string, @Ctx() ctx: OrdersContext): Promise<OrderRow | null> {
    const order = await ctx.loaders.orderById.load(id);
    if (order) requireOwnerOrAdmin(ctx.viewer, order.userId);
    return order;
  }

  @Authorized(Role.ADMIN)
  @Query(() => OrderConnection, { description: "(admin) Newest first, optionally by status." })
  orders(@Args(() => AdminOrderListArgs) args: AdminOrderListArgs, @Ctx() ctx: OrdersContext) {
    return ctx.services.orders.listOrders(args.status ? { status: args.status } : {}, args);
  }

  @Authorized()
  @Mutation(() => CheckoutPayload, {
    description: "Turns your cart into a PENDING order; watch it move on with orderStatusChanged.",
  })
  async checkout(@Arg("input", () => CheckoutInput) input: CheckoutInput, @Ctx() ctx: OrdersContext) {
    return toPayload("order", await ctx.services.checkout.checkout(requireViewer(ctx.viewer), input));
  }

  @Authorized()
  @Mutation(() => OrderPayload, { description: "(owner) Before it ships. A paid order is refunded." })
  async cancelOrder(@Arg("id", () => ID) id: string, @Ctx() ctx: OrdersContext) {
    return toPayload("order", await ctx.services.orders.cancelOrder(requireViewer(ctx.viewer), id));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => OrderPayload, { description: "(admin) SHIPPED or DELIVERED." })
  async updateOrderStatus(
    @Arg("id", () => ID) id: string,
    @Arg("status", () => OrderStatus) status: OrderStatus,
    @Ctx() ctx: OrdersContext,
  ) {
    return toPayload("order", await ctx.services.orders.updateOrderStatus(id, status));
  }

  @FieldResolver(() => User)
  customer(@Root() order: OrderRow): User {
    return { id: order.userId };
  }

  @FieldResolver(() => [OrderLine])
  async lines(@Root() order: OrderRow, @Ctx() ctx: OrdersContext): Promise<OrderLine[]> {
    const lines = await ctx.loaders.linesByOrderId.load(order.id);
    return lines.map((line) => ({
      variant: variantRef(line.variantId),
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: money(line.unitPrice, order.currencyCode),
      lineTotal: money(line.lineTotal, order.currencyCode),
    }));
  }

  @FieldResolver(() => [OrderStatusChange])
  async statusHistory(@Root() order: OrderRow, @Ctx() ctx: OrdersContext): Promise<OrderStatusChange[]> {
    return (await ctx.loaders.historyByOrderId.load(order.id)).map((change) => ({
      status: change.status as OrderStatus,
      reason: change.reason,
      at: change.at,
    }));
  }

  @FieldResolver(() => Address)
  shippingAddress(@Root() order: OrderRow): Address {
    return { id: `${order.id}_shipping`, ...order.shippingAddress, isDefault: false };
  }

  @FieldResolver(() => Money)
  subtotal(@Root() order: OrderRow): Money {
    return money(order.subtotal, order.currencyCode);
  }

  @FieldResolver(() => Money)
  discount(@Root() order: OrderRow): Money {
    return money(order.discount, order.currencyCode);
  }

  @FieldResolver(() => Money)
  shipping(@Root() order: OrderRow): Money {
    return money(order.shipping, order.currencyCode);
  }

  @FieldResolver(() => Money)
  total(@Root() order: OrderRow): Money {
    return money(order.total, order.currencyCode);
  }
}
