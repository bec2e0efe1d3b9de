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

  const apply = async (value: string) => {
    setBusy(true);
    const refused = await applyCoupon(value);
    setBusy(false);
    setProblem(refused);
    if (!refused) setCode("");
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void apply(code.trim());
  };

  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={`${id}-coupon`}>Coupon code</label>
      <input id={`${id}-coupon`} value={code} onChange={(event) => setCode(event.target.value)} required />
      <button type="submit" className="button-secondary" disabled={busy}>
        Apply
      </button>
      {cart?.couponCode && (
        <button type="button" className="link-button" disabled={busy} onClick={() => void apply("")}>
          Remove coupon {cart.couponCode}
        </button>
      )}
      <Problem message={problem} />
    </form>
  );
}
