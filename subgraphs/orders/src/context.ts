import type { RequestContext } from "@cartograph/service-kit";
import type { CartService } from "./cart/cart.service";
import type { CouponService } from "./coupon/coupon.service";
import type { CheckoutService } from "./order/checkout.service";
import type { OrderLoaders } from "./order/order.loaders";
import type { OrderService } from "./order/order.service";

export interface OrdersServices {
  cart: CartService;
  checkout: CheckoutService;
  coupons: CouponService;
  orders: OrderService;
  currencyCode: string;
}

export interface OrdersContext extends RequestContext {
  services: OrdersServices;
  loaders: OrderLoaders;
}
