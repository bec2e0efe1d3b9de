import {
  AdminOrdersDocument,
  CreateCouponDocument,
  ProductListingDocument,
  SetStockDocument,
  UpdateOrderStatusDocument,
  VariantStockDocument,
  type AdminOrdersQuery,
  type CreateCouponInput,
  type VariantStockQuery,
} from "@cartograph/client/documents";
import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { formatMoney } from "../money";
import { isAdmin, useSession } from "../session";
import { problemOf } from "../user-errors";
import { formatDate } from "../dates";
import { Problem, Status } from "../components/messages";

type OrderToShip = AdminOrdersQuery["orders"]["nodes"][number];
type Variant = NonNullable<VariantStockQuery["product"]>["variants"][number];

/** The staff's back office: paid orders to ship, stock counts and coupons. */
export default function AdminPage() {
  const session = useSession();
  if (!isAdmin(session))
    return (
      <div className="page">
        <h1>Back office</h1>
        <p>This page is for the shop's staff.</p>
        {!session && (
          <p>
            <Link to="/sign-in">Sign in</Link> with a staff account.
          </p>
        )}
      </div>
    );
  return (
    <div className="page">
      <h1>Back office</h1>
      <OrdersToShip />
      <Stock />
      <Coupons />
    </div>
  );
}

function OrdersToShip() {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: AdminOrdersDocument,
    variables: { status: "PAID", first: 50 },
  });
  const [, updateOrderStatus] = useMutation(UpdateOrderStatusDocument);
  const [shipping, setShipping] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const orders = data?.orders;

  const ship = async (order: OrderToShip) => {
    setShipping(order.id);
    setDone(null);
    const result = await updateOrderStatus({ id: order.id, status: "SHIPPED" });
    const payload = result.data?.updateOrderStatus;
    const refused = problemOf(payload?.userErrors, result.error);
    setProblem(refused ? `${order.number}: ${refused}` : null);
    setShipping(null);
    if (!refused) setDone(`${order.number} is marked shipped.`);
    // Shipped orders leave the list; a refused one may have moved on (cancelled) meanwhile.
    reexecute({ requestPolicy: "network-only" });
  };

  return (
    <section aria-labelledby="orders-heading" className="card">
      <h2 id="orders-heading">Orders to ship</h2>
      {fetching && !data && <p className="loading">Loading…</p>}
      <Problem message={problemOf(undefined, error)} />
      {orders && orders.nodes.length === 0 && <p className="muted">No paid orders are waiting to ship.</p>}
      {orders && orders.nodes.length > 0 && (
        <>
          <p className="muted">
            {orders.totalCount} paid order{orders.totalCount === 1 ? "" : "s"} to ship
            {orders.pageInfo.hasNextPage ? `, the newest ${orders.nodes.length} shown here` : ""}.
          </p>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Customer</th>
                <th scope="col">Placed</th>
                <th scope="col">Total</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {orders.nodes.map((order) => (
                <tr key={order.id}>
                  <th scope="row">{order.number}</th>
                  <td>{order.customer.name}</td>
                  <td>
                    <time dateTime={order.placedAt}>{formatDate(order.placedAt)}</time>
                  </td>
                  <td>{formatMoney(order.total)}</td>
                  <td>
                    <button
                      type="button"
                      className="button"
                      disabled={shipping === order.id}
                      onClick={() => ship(order)}
                    >
                      Mark<span className="visually-hidden"> {order.number}</span> shipped
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <Problem message={problem} />
      <Status message={done} />
    </section>
  );
}

function Stock() {
  const id = useId();
  const [draft, setDraft] = useState("");
  const [slug, setSlug] = useState("");
  // The catalogue's names for the slug field's suggestions (a count is usually of a known product).
  const [{ data: listing }] = useQuery({
    query: ProductListingDocument,
    variables: { first: 100, sort: { field: "NAME", direction: "ASC" } },
  });
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: VariantStockDocument,
    variables: { slug },
    pause: slug === "",
  });
  const [done, setDone] = useState<string | null>(null);
  const product = data?.product;

  const lookUp = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(null);
    setSlug(draft.trim());
  };

  const saved = (message: string) => {
    setDone(message);
    reexecute({ requestPolicy: "network-only" });
  };

  return (
    <section aria-labelledby="stock-heading" className="card">
      <h2 id="stock-heading">Stock</h2>
      <form className="form" onSubmit={lookUp}>
        <div className="field">
          <label htmlFor={`${id}-slug`}>Product slug</label>
          <input
            id={`${id}-slug`}
            list={`${id}-products`}
            required
            autoComplete="off"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <datalist id={`${id}-products`}>
            {listing?.products.nodes.map((option) => (
              <option key={option.id} value={option.slug}>
                {option.name}
              </option>
            ))}
          </datalist>
        </div>
        <button type="submit" className="button">
          Look up
        </button>
      </form>
      {slug && fetching && !data && <p className="loading">Loading…</p>}
      {slug && <Problem message={problemOf(undefined, error)} />}
      {slug && data && !product && <p className="muted">No product has the slug “{slug}”.</p>}
      {product && product.variants.length === 0 && <p className="muted">This product has no variants.</p>}
      {product && product.variants.length > 0 && (
        <table className="table">
          <caption>Stock of {slug}</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">On hand</th>
              <th scope="col">Reserved</th>
              <th scope="col">Available</th>
              <th scope="col">New count</th>
            </tr>
          </thead>
          <tbody>
            {product.variants.map((variant) => (
              // Keyed by the stored count too: after a save the field starts again from the new count.
              <StockRow key={`${variant.id}:${variant.stock?.onHand}`} variant={variant} onSaved={saved} />
            ))}
          </tbody>
        </table>
      )}
      <Status message={done} />
    </section>
  );
}

function StockRow({ variant, onSaved }: { variant: Variant; onSaved: (message: string) => void }) {
  const id = useId();
  const stock = variant.stock;
  const [onHand, setOnHand] = useState(String(stock?.onHand ?? 0));
  const [{ fetching }, setStock] = useMutation(SetStockDocument);
  const [problem, setProblem] = useState<string | null>(null);

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = await setStock({ variantId: variant.id, onHand: Number(onHand) });
    const payload = result.data?.setStock;
    const refused = problemOf(payload?.userErrors, result.error);
    setProblem(refused);
    if (!refused && payload?.stock) onSaved(`${variant.sku}: ${payload.stock.onHand} on hand.`);
  };

  return (
    <tr>
      <th scope="row">{variant.sku}</th>
      <td>{stock?.onHand ?? "—"}</td>
      <td>{stock?.reserved ?? "—"}</td>
      <td>{stock?.available ?? "—"}</td>
      <td>
        <form className="form" onSubmit={save}>
          {/* The column's heading says what the field is; the label adds which variant, for screen readers. */}
          <label htmlFor={`${id}-on-hand`} className="visually-hidden">
            New count of {variant.sku}
          </label>
          <input
            id={`${id}-on-hand`}
            type="number"
            inputMode="numeric"
            required
            // The stock service refuses a count below the units reserved by open orders.
            min={stock?.reserved ?? 0}
            step={1}
            value={onHand}
            onChange={(event) => setOnHand(event.target.value)}
          />
          <button type="submit" className="button-secondary" disabled={fetching}>
            Save<span className="visually-hidden"> {variant.sku}</span>
          </button>
          <Problem message={problem} />
        </form>
      </td>
    </tr>
  );
}

type DiscountKind = "percent" | "amount";

function Coupons() {
  const id = useId();
  const [kind, setKind] = useState<DiscountKind>("percent");
  const [{ fetching }, createCoupon] = useMutation(CreateCouponDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Read before the await: React clears currentTarget once the handler returns.
    const form = event.currentTarget;
    const fields = new FormData(form);
    const text = (key: string) => String(fields.get(key) ?? "").trim();
    const value = text("value");
    const expiresOn = text("expiresOn");
    const maxRedemptions = text("maxRedemptions");
    const input: CreateCouponInput = {
      code: text("code"),
      // The API takes exactly one of the two.
      ...(kind === "percent" ? { percentOff: Number(value) } : { amountOff: value }),
      minSubtotal: text("minSubtotal") || null,
      // A date picked means "valid through that day", in the staff member's time zone.
      expiresAt: expiresOn ? new Date(`${expiresOn}T23:59:59.999`).toISOString() : null,
      maxRedemptions: maxRedemptions ? Number(maxRedemptions) : null,
    };
    setCreated(null);
    const result = await createCoupon({ input });
    const payload = result.data?.createCoupon;
    const refused = problemOf(payload?.userErrors, result.error);
    setProblem(refused);
    const coupon = payload?.coupon;
    if (refused || !coupon) return;
    const off =
      coupon.percentOff != null ? `${coupon.percentOff}%` : coupon.amountOff ? formatMoney(coupon.amountOff) : "";
    setCreated(`Coupon ${coupon.code} is created${off ? `: ${off} off` : ""}.`);
    form.reset();
    setKind("percent");
  };

  return (
    <section aria-labelledby="coupons-heading" className="card">
      <h2 id="coupons-heading">Coupons</h2>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-code`}>Code</label>
          <input id={`${id}-code`} name="code" required autoComplete="off" />
        </div>
        <fieldset>
          <legend>Discount</legend>
          <label>
            <input
              type="radio"
              name="kind"
              value="percent"
              checked={kind === "percent"}
              onChange={() => setKind("percent")}
            />{" "}
            Percentage off
          </label>
          <label>
            <input
              type="radio"
              name="kind"
              value="amount"
              checked={kind === "amount"}
              onChange={() => setKind("amount")}
            />{" "}
            Amount off
          </label>
        </fieldset>
        <div className="field">
          {kind === "percent" ? (
            <>
              <label htmlFor={`${id}-value`}>Percentage off</label>
              <input id={`${id}-value`} name="value" type="number" required min={1} max={100} step={1} />
            </>
          ) : (
            <>
              <label htmlFor={`${id}-value`}>Amount off, e.g. 5.00</label>
              <input id={`${id}-value`} name="value" type="number" required min={0.01} step={0.01} />
            </>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-min`}>Minimum subtotal (optional)</label>
          <input id={`${id}-min`} name="minSubtotal" type="number" min={0} step={0.01} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-expires`}>Valid through (optional)</label>
          <input id={`${id}-expires`} name="expiresOn" type="date" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-max`}>Maximum redemptions (optional)</label>
          <input id={`${id}-max`} name="maxRedemptions" type="number" min={1} step={1} />
        </div>
        <Problem message={problem} />
        <button type="submit" className="button" disabled={fetching}>
          Create coupon
        </button>
      </form>
      <Status message={created} />
    </section>
  );
}
