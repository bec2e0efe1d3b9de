import { formatMoney, type Money } from "../money";

/** A cart's or an order's sums: subtotal, the coupon's discount (when there is one), shipping, total. */
export function Totals({
  amounts,
  couponCode,
}: {
  amounts: { subtotal: Money; discount: Money; shipping: Money; total: Money };
  couponCode?: string | null;
}) {
  return (
    <dl className="totals">
      <dt>Subtotal</dt>
      <dd>{formatMoney(amounts.subtotal)}</dd>
      {(couponCode || amounts.discount.amount !== "0.00") && (
        <>
          <dt>Discount{couponCode ? ` (${couponCode})` : ""}</dt>
          <dd>−{formatMoney(amounts.discount)}</dd>
        </>
      )}
      <dt>Shipping</dt>
      <dd>{formatMoney(amounts.shipping)}</dd>
      <dt>Total</dt>
      <dd className="price">{formatMoney(amounts.total)}</dd>
    </dl>
  );
}
