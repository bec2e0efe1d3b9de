import { KIND_OF_TOPIC } from "../preference/preference.rules";
import {
  backInStockMessage,
  cameBackInStock,
  priceDropMessage,
  priceDropOf,
  variantLabel,
  wishlistTargetOf,
} from "./wishlist.rules";

const held = { priceAmount: 1999, currencyCode: "USD" };
const offer = (amount: number, currencyCode = "USD", active = true) => ({ price: { amount, currencyCode }, active });

describe("wishlistTargetOf", () => {
  it("takes exactly one of productId and variantId", () => {
    expect(wishlistTargetOf({ productId: "prd_1" })).toEqual({ productId: "prd_1", variantId: null });
    expect(wishlistTargetOf({ variantId: "var_1", productId: null })).toEqual({ variantId: "var_1" });
    expect(wishlistTargetOf({ productId: "prd_1", variantId: "var_1" })).toBeNull();
    expect(wishlistTargetOf({})).toBeNull();
    // Blank is none.
    expect(wishlistTargetOf({ productId: "  ", variantId: "var_1" })).toEqual({ variantId: "var_1" });
    expect(wishlistTargetOf({ productId: "", variantId: " " })).toBeNull();
  });
});

describe("priceDropOf", () => {
  it("is the drop when the new price is lower in the same currency", () => {
    expect(priceDropOf(held, offer(1499))).toEqual({ from: 1999, to: 1499, currencyCode: "USD" });
  });

  it("is null for a rise, the same price, another currency, nothing held, or a variant no longer sold", () => {
    expect(priceDropOf(held, offer(2499))).toBeNull();
    expect(priceDropOf(held, offer(1999))).toBeNull();
    expect(priceDropOf(held, offer(999, "EUR"))).toBeNull();
    expect(priceDropOf(null, offer(999))).toBeNull();
    expect(priceDropOf({ priceAmount: null, currencyCode: null }, offer(999))).toBeNull();
    expect(priceDropOf(held, offer(999, "USD", false))).toBeNull();
  });
});

describe("cameBackInStock", () => {
  it("is the move from none to some, and only that", () => {
    expect(cameBackInStock({ inStock: false }, true)).toBe(true);
    expect(cameBackInStock({ inStock: true }, true)).toBe(false);
    expect(cameBackInStock({ inStock: true }, false)).toBe(false);
    expect(cameBackInStock({ inStock: false }, false)).toBe(false);
    // Never seen out of stock here: not "back".
    expect(cameBackInStock(null, true)).toBe(false);
  });
});

describe("wishlist messages", () => {
  it("name the variant and both prices in minor-unit-exact money", () => {
    const message = priceDropMessage("usr_1", "Mug - Blue", { from: 1999, to: 1499, currencyCode: "USD" });
    expect(message).toMatchObject({
      topic: "PRICE_DROP",
      userId: "usr_1",
      orderId: null,
      title: "Price drop: Mug - Blue",
    });
    expect(message.body).toBe("Mug - Blue from your wishlist is now 14.99 USD (was 19.99 USD).");
  });

  it("say how many more came back when several did", () => {
    expect(backInStockMessage("usr_1", ["Mug - Blue"]).body).toBe("Mug - Blue is back in stock.");
    const several = backInStockMessage("usr_1", ["Mug - Blue", "Mug - Red", "Tee - S"]);
    expect(several.title).toBe("Back in stock: Mug - Blue and 2 more from your wishlist");
    expect(several.paragraphs).toEqual(["Good news: Mug - Blue, Mug - Red, Tee - S are back in stock."]);
  });

  it("fall back to the variant id for a variant the catalogue copy has not heard of", () => {
    expect(variantLabel("var_x", undefined)).toBe("var_x");
    expect(variantLabel("var_x", { productName: "Mug", title: "Blue" })).toBe("Mug - Blue");
  });

  it("belong to the WISHLIST_ALERTS kind, so its preferences govern them", () => {
    expect(KIND_OF_TOPIC.PRICE_DROP).toBe("WISHLIST_ALERTS");
    expect(KIND_OF_TOPIC.BACK_IN_STOCK).toBe("WISHLIST_ALERTS");
  });
});
