/** Pure pricing of a cart or an order: integer minor units in, integer minor units out. */
export interface PricedLine {
  unitPrice: number;
  quantity: number;
}

export interface CouponTerms {
  percentOff: number | null;
  amountOff: number | null;
  minSubtotal: number | null;
}

export interface ShippingTerms {
  flatRate: number;
  freeFrom: number;
}

export interface PriceBreakdown {
  subtotal: number;
  discount: number;
  shipping: number;
  total: number;
}

export function lineTotal(line: PricedLine): number {
  return line.unitPrice * line.quantity;
}

/** The discount a coupon gives on a subtotal: never more than the subtotal, rounded down to a minor unit. */
export function couponDiscount(coupon: CouponTerms | null, subtotal: number): number {
  if (!coupon || subtotal <= 0) return 0;
  if (coupon.minSubtotal !== null && subtotal < coupon.minSubtotal) return 0;
  const discount =
    coupon.percentOff !== null ? Math.floor((subtotal * coupon.percentOff) / 100) : (coupon.amountOff ?? 0);
  return Math.min(discount, subtotal);
}

export function priceCart(lines: PricedLine[], coupon: CouponTerms | null, shipping: ShippingTerms): PriceBreakdown {
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const discount = couponDiscount(coupon, subtotal);
  const discounted = subtotal - discount;
  // An empty cart ships nothing; a big enough one ships free.
  const shippingCost = lines.length === 0 || discounted >= shipping.freeFrom ? 0 : shipping.flatRate;
  return { subtotal, discount, shipping: shippingCost, total: discounted + shippingCost };
}
