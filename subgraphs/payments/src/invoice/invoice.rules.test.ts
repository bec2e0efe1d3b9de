import { formatInvoiceNumber, invoiceLinesOf } from "./invoice.rules";

describe("invoice numbers", () => {
  it("are INV- and six zero-padded digits, growing past a million", () => {
    expect(formatInvoiceNumber(1)).toBe("INV-000001");
    expect(formatInvoiceNumber(42)).toBe("INV-000042");
    expect(formatInvoiceNumber(1_234_567)).toBe("INV-1234567");
  });

  it("refuse a sequence that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => formatInvoiceNumber(bad)).toThrow(RangeError);
  });
});

describe("invoice lines", () => {
  it("copy the order's lines with quantity x unit price as the line total", () => {
    expect(invoiceLinesOf([{ variantId: "var_1", productId: "prd_1", quantity: 3, unitPrice: 1999 }])).toEqual([
      { variantId: "var_1", quantity: 3, unitPrice: 1999, lineTotal: 5997 },
    ]);
  });
});
