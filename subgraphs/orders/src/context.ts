import type { RequestContext } from "@cartograph/service-kit/server";
import type { CartService } from "./cart/cart.service";
import type { CheckoutService } from "./checkout/checkout.service";
import type { CouponService } from "./coupon/coupon.service";
import type { OrderLoaders } from "./order/order.loaders";
import type { OrderService } from "./order/order.service";

/** The domain services resolvers call, one per bounded context. */
export interface OrdersServiceRegistry {
  cart: CartService;
  checkout: CheckoutService;
  coupons: CouponService;
  orders: OrderService;
  currencyCode: string;
}

export interface OrdersContext extends RequestContext {
  services: OrdersServiceRegistry;
  loaders: OrderLoaders;
}
