import { formatMinorUnits, minorUnitDigits, MoneyFormatError, parseMoney } from "./money";

describe("money in integer minor units", () => {
  it("knows each currency's minor units", () => {
    expect(minorUnitDigits("USD")).toBe(2);
    expect(minorUnitDigits("JPY")).toBe(0);
    expect(minorUnitDigits("KWD")).toBe(3);
  });

  it("parses decimal strings without floating point error", () => {
    expect(parseMoney("59.97", "USD")).toBe(5997);
    expect(parseMoney("0.1", "USD")).toBe(10);
    expect(parseMoney("19", "USD")).toBe(1900);
    expect(parseMoney("1234", "JPY")).toBe(1234);
    expect(parseMoney("-2.50", "USD", { allowNegative: true })).toBe(-250);
  });

  it("rejects more decimals than the currency has, signs, exponents and junk", () => {
    for (const bad of ["1.999", "-1", "1e3", "abc", "", "1.", ".5", "1,00"]) {
      expect(() => parseMoney(bad, "USD")).toThrow(MoneyFormatError);
    }
    expect(() => parseMoney("5.5", "JPY")).toThrow(/at most 0 decimal places/);
  });

  it("formats minor units with exactly the currency's digits", () => {
    expect(formatMinorUnits(5997, "USD")).toBe("59.97");
    expect(formatMinorUnits(5, "USD")).toBe("0.05");
    expect(formatMinorUnits(-250, "USD")).toBe("-2.50");
    expect(formatMinorUnits(1234, "JPY")).toBe("1234");
    expect(formatMinorUnits(1, "KWD")).toBe("0.001");
  });

  it("refuses fractional minor units", () => {
    expect(() => formatMinorUnits(10.5, "USD")).toThrow(RangeError);
  });

  it("round-trips", () => {
    for (const amount of ["0.00", "0.01", "10.10", "99999.99"])
      expect(formatMinorUnits(parseMoney(amount, "USD"), "USD")).toBe(amount);
  });
});
