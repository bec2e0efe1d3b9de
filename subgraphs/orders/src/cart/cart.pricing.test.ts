import { couponDiscount, priceCart } from "./cart.pricing";

const shipping = { flatRate: 599, freeFrom: 5000 };
const none = { percentOff: null, amountOff: null, minSubtotal: null };

describe("pricing a cart", () => {
  it("adds lines, then flat shipping below the threshold", () => {
    expect(priceCart([{ unitPrice: 1999, quantity: 2 }], null, shipping)).toEqual({
      subtotal: 3998,
      discount: 0,
      shipping: 599,
      total: 4597,
    });
  });

  it("ships free from the threshold, measured after the discount", () => {
    expect(priceCart([{ unitPrice: 5000, quantity: 1 }], null, shipping).shipping).toBe(0);
    expect(priceCart([{ unitPrice: 5000, quantity: 1 }], { ...none, percentOff: 10 }, shipping)).toEqual({
      subtotal: 5000,
      discount: 500,
      shipping: 599,
      total: 5099,
    });
  });

  it("charges nothing for an empty cart", () => {
    expect(priceCart([], null, shipping)).toEqual({ subtotal: 0, discount: 0, shipping: 0, total: 0 });
  });

  it("rounds percentage discounts down to a whole minor unit", () => {
    expect(couponDiscount({ ...none, percentOff: 15 }, 999)).toBe(149);
  });

  it("never discounts more than the subtotal, and respects the minimum subtotal", () => {
    expect(couponDiscount({ ...none, amountOff: 5000 }, 1200)).toBe(1200);
    expect(couponDiscount({ ...none, amountOff: 500, minSubtotal: 2000 }, 1999)).toBe(0);
    expect(couponDiscount({ ...none, amountOff: 500, minSubtotal: 2000 }, 2000)).toBe(500);
  });
});
