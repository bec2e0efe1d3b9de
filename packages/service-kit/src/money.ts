/** Digits after the decimal point for a currency (USD 2, JPY 0, KWD 3), from the runtime's ICU data. */
export function minorUnitDigits(currencyCode: string): number {
  return (
    new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

export class MoneyFormatError extends Error {}

/**
 * Parses a decimal string ("59.97") into integer minor units (5997) without floats.
 * Rejects signs, exponents, and more decimals than the currency has.
 */
export function parseMoney(amount: string, currencyCode: string, { allowNegative = false } = {}): number {
  const digits = minorUnitDigits(currencyCode);
  const match = /^(-)?(\d{1,13})(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new MoneyFormatError(`"${amount}" is not an amount such as "19.99".`);
  const [, sign, whole, fraction = ""] = match;
  if (sign && !allowNegative) throw new MoneyFormatError("The amount cannot be negative.");
  if (fraction.length > digits) {
    throw new MoneyFormatError(
      `${currencyCode} amounts have at most ${digits} decimal place${digits === 1 ? "" : "s"}.`,
    );
  }
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError("The amount is too large.");
  return sign ? -minor : minor;
}

/** Formats integer minor units as a decimal string with exactly the currency's digits. */
export function formatMinorUnits(minor: number, currencyCode: string): string {
  if (!Number.isSafeInteger(minor))
    throw new RangeError(`Money must be an integer number of minor units, got ${minor}`);
  const digits = minorUnitDigits(currencyCode);
  const sign = minor < 0 ? "-" : "";
  const abs = String(Math.abs(minor));
  if (digits === 0) return sign + abs;
  const padded = abs.padStart(digits + 1, "0");
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}
