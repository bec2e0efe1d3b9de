import { useId, useState, type FormEvent } from "react";
import { useCart } from "../cart";
import { Problem } from "./messages";

/** A coupon for the cart, on the cart page (guests too) and at checkout; the applied one can be removed. */
export function CouponForm() {
  const { cart, applyCoupon } = useCart();
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  const change = async (value: string) => {
    setBusy(true);
    const refused = await applyCoupon(value);
    setBusy(false);
    setProblem(refused);
    return refused === null;
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // An empty code would remove the coupon: that is the Remove button's job, said out loud.
    if (code.trim() === "") return setProblem("Enter a coupon code.");
    if (await change(code.trim())) setCode("");
  };

  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)}>
      <label htmlFor={`${id}-coupon`}>Coupon code</label>
      <input id={`${id}-coupon`} value={code} onChange={(event) => setCode(event.target.value)} required />
      <button type="submit" className="button-secondary" disabled={busy}>
        Apply
      </button>
      {cart?.couponCode && (
        <button type="button" className="link-button" disabled={busy} onClick={() => void change("")}>
          Remove coupon {cart.couponCode}
        </button>
      )}
      <Problem message={problem} />
    </form>
  );
}
