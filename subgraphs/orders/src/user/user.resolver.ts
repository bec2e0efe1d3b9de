import { requireOwnerOrAdmin } from "@cartograph/service-kit/auth";
import { PageArgs, SignedInOnly } from "@cartograph/service-kit/graphql";
import { Args, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { OrdersContext } from "../context";
import { OrderConnection } from "../order/order.type";
import { User } from "./user.stub";

@Resolver(() => User)
export class UserOrdersResolver {
  @SignedInOnly()
  @FieldResolver(() => OrderConnection, { description: "(owner) This user's orders, newest first." })
  orders(@Root() user: User, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: OrdersContext) {
    requireOwnerOrAdmin(ctx.viewer, user.id);
    return ctx.services.orders.listOrders({ userId: user.id }, args);
  }
}
