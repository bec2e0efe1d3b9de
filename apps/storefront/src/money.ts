/** Money as the API sends it: a decimal string and a currency code. */
export interface Money {
  amount: string;
  currencyCode: string;
}

const formats = new Map<string, Intl.NumberFormat>();

/**
 * "59.97" USD -> "$59.97". Intl formats the decimal string exactly (a string, not a number, is
 * passed), so no float ever touches a price.
 */
export function formatMoney(money: Money): string {
  let format = formats.get(money.currencyCode);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency: money.currencyCode });
    formats.set(money.currencyCode, format);
  }
  return format.format(money.amount as Intl.StringNumericLiteral);
}
