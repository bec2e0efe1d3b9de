import { renderEmail } from "./email.templates";
import { retryDelayMs } from "./email.rules";

describe("email retries", () => {
  it("doubles the delay per failed attempt, up to the cap", () => {
    expect([1, 2, 3, 4, 5, 40].map((attempt) => retryDelayMs(attempt, 1000, 5000))).toEqual([
      1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });
});

describe("email templates", () => {
  const order = {
    orderId: "ord_1",
    currencyCode: "USD",
    total: 5498,
    lines: [
      { variantId: "var_a", productId: "prd_a", quantity: 2, unitPrice: 1999 },
      { variantId: "var_b", productId: "prd_b", quantity: 1, unitPrice: 2000 },
    ],
  };

  it("shows lines, subtotal and total from integer minor units in text and HTML", () => {
    const email = renderEmail({
      recipientName: "Ada",
      heading: "We have your order",
      paragraphs: [],
      order,
      unsubscribeUrl: "https://shop.example/unsubscribe?token=t",
    });
    expect(email.text).toContain("2 x var_a at 19.99 USD = 39.98 USD");
    expect(email.text).toContain("Subtotal: 59.98 USD");
    expect(email.text).toContain("Total: 54.98 USD");
    expect(email.text).toContain("https://shop.example/unsubscribe?token=t");
    expect(email.html).toContain('<td align="right">39.98 USD</td>');
    expect(email.html).toContain('href="https://shop.example/unsubscribe?token=t"');
  });

  it("escapes what customers wrote in the HTML part", () => {
    const email = renderEmail({
      recipientName: "<b>Eve</b>",
      heading: "Hi",
      paragraphs: ["a & b"],
      unsubscribeUrl: null,
    });
    expect(email.html).toContain("&lt;b&gt;Eve&lt;/b&gt;");
    expect(email.html).toContain("a &amp; b");
    expect(email.html).not.toContain("Unsubscribe");
  });
});
