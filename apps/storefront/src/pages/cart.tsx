import { useId, useState } from "react";
import { Link } from "react-router-dom";
import { useCart } from "../cart";
import { formatMoney } from "../money";
import { useSession } from "../session";
import { CouponForm } from "../components/coupon-form";
import { Totals } from "../components/totals";
import { Problem } from "../components/messages";

/** The cart, guest or signed in: change quantities, remove lines, go to checkout. */
export default function CartPage() {
  const { cart, loading, setQuantity, removeLine } = useCart();
  const session = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  const run = async (change: Promise<string | null>) => setProblem(await change);

  if (loading) return <p className="loading">Loading…</p>;
  if (!cart || cart.lines.length === 0)
    return (
      <div className="page">
        <h1>Your cart</h1>
        <p>Your cart is empty.</p>
        <p>
          <Link to="/">Continue shopping</Link>
        </p>
      </div>
    );
  return (
    <div className="page">
      <h1>Your cart</h1>
      <Problem message={problem} />
      <table className="table cart-lines">
        <caption className="visually-hidden">Items in your cart</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Price</th>
            <th scope="col">Quantity</th>
            <th scope="col">Total</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {cart.lines.map((line) => (
            <tr key={line.id}>
              <td>
                {line.variant.product.name}
                <span className="muted"> · {line.variant.title}</span>
                {!line.available && <span className="error"> No longer available</span>}
              </td>
              <td>{formatMoney(line.unitPrice)}</td>
              <td>
                <label htmlFor={`${id}-${line.id}`} className="visually-hidden">
                  Quantity of {line.variant.product.name}
                </label>
                <input
                  id={`${id}-${line.id}`}
                  className="quantity"
                  type="number"
                  min={1}
                  max={99}
                  defaultValue={line.quantity}
                  // Sent when the shopper leaves the field: one change, not one per key.
                  onBlur={(event) => {
                    const quantity = Number(event.target.value);
                    if (quantity !== line.quantity && quantity >= 1) void run(setQuantity(line.id, quantity));
                  }}
                />
              </td>
              <td>{formatMoney(line.lineTotal)}</td>
              <td>
                <button type="button" className="link-button" onClick={() => void run(removeLine(line.id))}>
                  Remove<span className="visually-hidden"> {line.variant.product.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Totals amounts={cart} couponCode={cart.couponCode} />
      <CouponForm />
      <p>
        {session ? (
          <Link to="/checkout" className="button">
            Check out
          </Link>
        ) : (
          <>
            <Link to="/sign-in?next=/checkout" className="button">
              Sign in to check out
            </Link>{" "}
            <Link to="/sign-up?next=/checkout">or create an account</Link>; your cart comes with you.
          </>
        )}
      </p>
    </div>
  );
}
