import { OrderDocument, OrderStatusChangedDocument, type OrderQuery } from "@cartograph/client/documents";
import { useEffect } from "react";
import { Link, useParams } from "react-router-dom";
import { useQuery, useSubscription } from "urql";
import { useCart } from "../cart";
import { formatMoney } from "../money";
import { useSession } from "../session";
import { Totals } from "../components/totals";

type Order = NonNullable<OrderQuery["order"]>;

const MOVING: ReadonlySet<string> = new Set(["PENDING", "RESERVED"]);

/** What the shopper reads for each status; a cancellation says why and what happened to the cart. */
function statusMessage(order: Order): string {
  switch (order.status) {
    case "PENDING":
    case "RESERVED":
      return "We are confirming your payment…";
    case "PAID":
      return "Paid. Thank you! We will let you know when it ships.";
    case "SHIPPED":
      return "On its way.";
    case "DELIVERED":
      return "Delivered.";
    case "REFUNDED":
      return "Refunded.";
    case "CANCELLED":
      switch (order.cancellationReason) {
        case "PAYMENT_DECLINED":
          return "Your card was declined, so the order was cancelled. The items are back in your cart: try another card.";
        case "OUT_OF_STOCK":
          return "Some items sold out before we could reserve them, so the order was cancelled. The items are back in your cart.";
        default:
          return "This order was cancelled.";
      }
  }
  return order.status;
}

/**
 * An order, its status moving live: `orderStatusChanged` pushes each change over the WebSocket,
 * and each one reads the order again. A change that happened before the subscription was
 * listening is caught by one more read shortly after the page opens.
 */
export default function OrderPage() {
  const { id = "" } = useParams();
  const session = useSession();
  const { reload: reloadCart } = useCart();
  const [{ data, fetching }, reload] = useQuery({ query: OrderDocument, variables: { id }, pause: !session });
  const [update] = useSubscription({ query: OrderStatusChangedDocument, variables: { orderId: id }, pause: !session });
  const order = data?.order;
  const live = update.data?.orderStatusChanged;
  const status = order?.status;

  useEffect(() => {
    if (live) reload({ requestPolicy: "network-only" });
  }, [live, reload]);
  useEffect(() => {
    const timer = setTimeout(() => reload({ requestPolicy: "network-only" }), 1500);
    return () => clearTimeout(timer);
  }, [reload]);
  // A cancelled checkout gave the cart back: show it in the header's count.
  useEffect(() => {
    if (status === "CANCELLED") void reloadCart();
  }, [status, reloadCart]);

  if (!session)
    return (
      <div className="page">
        <h1>Your order</h1>
        <p>
          <Link to={`/sign-in?next=/orders/${encodeURIComponent(id)}`}>Sign in</Link> to see it.
        </p>
      </div>
    );
  if (fetching && !data) return <p className="loading">Loading…</p>;
  if (!order)
    return (
      <div className="page">
        <h1>No such order</h1>
        <p>
          <Link to="/orders">Your orders</Link>
        </p>
      </div>
    );
  return (
    <div className="page">
      <h1>Order {order.number}</h1>
      <p className="order-status">
        Status:{" "}
        <span className="status-badge" data-status={order.status}>
          {order.status}
        </span>
      </p>
      <p role="status" className={order.status === "CANCELLED" ? "error" : "notice"}>
        {statusMessage(order)}
        {MOVING.has(order.status) && <span className="visually-hidden"> This page updates by itself.</span>}
      </p>
      {order.status === "CANCELLED" && order.cancellationReason !== "CANCELLED_BY_CUSTOMER" && (
        <p>
          <Link to="/cart">Go to your cart</Link>
        </p>
      )}
      <table className="table">
        <caption className="visually-hidden">Items</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Quantity</th>
            <th scope="col">Price</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.sku}>
              <td>{line.name}</td>
              <td>{line.quantity}</td>
              <td>{formatMoney(line.unitPrice)}</td>
              <td>{formatMoney(line.lineTotal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Totals amounts={order} />
      {order.payment?.method && (
        <p className="muted">
          Paid with {order.payment.method.brand} ending {order.payment.method.last4}
        </p>
      )}
      {order.invoice && <p className="muted">Invoice {order.invoice.number}</p>}
      <h2>History</h2>
      <ol className="history">
        {order.statusHistory.map((change) => (
          <li key={`${change.status}-${change.at}`}>
            {change.status} · {new Date(change.at).toLocaleString("en-US")}
            {change.reason && <span className="muted"> · {change.reason}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}
