import { CheckoutDocument, MeDocument } from "@cartograph/client/documents";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useCart } from "../cart";
import { formatMoney } from "../money";
import { useSession } from "../session";
import { problemOf } from "../user-errors";
import { CouponForm } from "../components/coupon-form";
import { Totals } from "../components/totals";

/** The test gateway's card tokens (never card numbers): what each one does is in its label. */
const TEST_CARDS = [
  { token: "tok_visa", label: "Visa, pays" },
  { token: "tok_mastercard", label: "Mastercard, pays" },
  { token: "tok_chargeDeclined", label: "Visa, declined" },
  { token: "tok_insufficientFunds", label: "Visa, insufficient funds" },
];

interface AddressForm {
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
}

/** A key per checkout attempt: a retried click returns the same order and never charges twice. */
function newIdempotencyKey(): string {
  // getRandomValues works on plain http too (randomUUID needs a secure context).
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export default function CheckoutPage() {
  const session = useSession();
  const { cart, loading, reload } = useCart();
  const [me] = useQuery({ query: MeDocument, pause: !session });
  const [checkoutResult, checkout] = useMutation(CheckoutDocument);
  const [address, setAddress] = useState<AddressForm>({
    line1: "",
    line2: "",
    city: "",
    postalCode: "",
    country: "US",
  });
  const [card, setCard] = useState("tok_visa");
  const idempotencyKey = useRef(newIdempotencyKey());
  const navigate = useNavigate();
  const id = useId();

  // The default address fills the form, once it has loaded.
  const saved = me.data?.me?.addresses.find((candidate) => candidate.isDefault);
  useEffect(() => {
    if (saved)
      setAddress({
        line1: saved.line1,
        line2: saved.line2 ?? "",
        city: saved.city,
        postalCode: saved.postalCode,
        country: saved.country,
      });
  }, [saved]);

  if (!session) return <Navigate to="/sign-in?next=/checkout" replace />;
  if (loading) return <p className="loading">Loading…</p>;
  if (!cart || cart.lines.length === 0)
    return (
      <div className="page">
        <h1>Checkout</h1>
        <p>
          Your cart is empty. <Link to="/">Continue shopping</Link>
        </p>
      </div>
    );

  const lineNames = new Map(cart.lines.map((line) => [line.id, line.variant.product.name]));
  const payload = checkoutResult.data?.checkout;
  // OUT_OF_STOCK names its line (["lines", <line id>]): say which product it is.
  const problems = (payload?.userErrors ?? []).map((error) => {
    const name = error.field?.[0] === "lines" && error.field[1] ? lineNames.get(error.field[1]) : undefined;
    const message = problemOf([error]) ?? error.message;
    return name ? `${name}: ${message}` : message;
  });
  const transportProblem = payload ? null : problemOf(undefined, checkoutResult.error);

  const field = (key: keyof AddressForm, label: string, autoComplete: string, required = true) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        autoComplete={autoComplete}
        required={required}
        value={address[key]}
        onChange={(event) => setAddress({ ...address, [key]: event.target.value })}
      />
    </div>
  );

  const placeOrder = async (event: FormEvent) => {
    event.preventDefault();
    const result = await checkout({
      input: {
        shippingAddress: { ...address, line2: address.line2 || null, country: address.country.toUpperCase() },
        paymentToken: card,
        idempotencyKey: idempotencyKey.current,
      },
    });
    const order = result.data?.checkout.order;
    if (order) {
      await reload();
      navigate(`/orders/${order.id}`);
    } else if (result.data) {
      // Refused (stock, address): the next attempt is a new checkout, with a new key.
      idempotencyKey.current = newIdempotencyKey();
      await reload();
    }
  };

  return (
    <div className="page checkout">
      <h1>Checkout</h1>
      <section aria-labelledby={`${id}-summary`} className="card">
        <h2 id={`${id}-summary`}>Your order</h2>
        <ul className="stack">
          {cart.lines.map((line) => (
            <li key={line.id}>
              {line.quantity} × {line.variant.product.name} <span className="muted">({line.variant.title})</span>:{" "}
              {formatMoney(line.lineTotal)}
            </li>
          ))}
        </ul>
        <Totals amounts={cart} couponCode={cart.couponCode} />
        <CouponForm />
      </section>
      <form className="form" onSubmit={placeOrder}>
        <fieldset>
          <legend>Shipping address</legend>
          {field("line1", "Address", "address-line1")}
          {field("line2", "Apartment, suite (optional)", "address-line2", false)}
          {field("city", "City", "address-level2")}
          {field("postalCode", "Postal code", "postal-code")}
          {field("country", "Country code (e.g. US)", "country")}
        </fieldset>
        <fieldset>
          <legend>Payment (test cards)</legend>
          {TEST_CARDS.map((choice) => (
            <label key={choice.token} className="option">
              <input
                type="radio"
                name={`${id}-card`}
                value={choice.token}
                checked={card === choice.token}
                onChange={() => setCard(choice.token)}
              />
              {choice.label} <code>{choice.token}</code>
            </label>
          ))}
        </fieldset>
        {(problems.length > 0 || transportProblem) && (
          <div role="alert" className="error">
            {problems.map((problem) => (
              <p key={problem}>{problem}</p>
            ))}
            {transportProblem && <p>{transportProblem}</p>}
          </div>
        )}
        <button type="submit" className="button" disabled={checkoutResult.fetching}>
          Place order, {formatMoney(cart.total)}
        </button>
      </form>
    </div>
  );
}
