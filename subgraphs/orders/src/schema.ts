import { buildFederatedSchema } from "@cartograph/service-kit/graphql";
import type { GraphQLSchema } from "graphql";
import { CartResolver } from "./cart/cart.resolver";
import { CouponResolver } from "./coupon/coupon.resolver";
import { orderReferenceResolvers } from "./order/order.reference";
import { OrderResolver } from "./order/order.resolver";
import { UserOrdersResolver } from "./user/user.resolver";

export function buildOrdersSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [CartResolver, CouponResolver, OrderResolver, UserOrdersResolver],
    referenceResolvers: orderReferenceResolvers,
  });
}
