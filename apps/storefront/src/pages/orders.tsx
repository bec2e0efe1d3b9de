import { MyOrdersDocument, type MyOrdersQuery, type OrderStatus } from "@cartograph/client/documents";
import { useState } from "react";
import { Link } from "react-router-dom";
import { useClient, useQuery, type CombinedError } from "urql";
import { formatMoney } from "../money";
import { useSession } from "../session";
import { problemOf } from "../user-errors";
import { formatDate } from "../dates";
import { Problem } from "../components/messages";

const PAGE_SIZE = 20;

type Orders = NonNullable<MyOrdersQuery["me"]>["orders"];
type Order = Orders["nodes"][number];

/** "SHIPPED" -> "Shipped". */
const statusLabel = (status: OrderStatus) => status.charAt(0) + status.slice(1).toLowerCase();

/** The signed-in customer's orders, newest first, a page at a time. */
export default function OrdersPage() {
  const session = useSession();
  return (
    <div className="page">
      <h1>Your orders</h1>
      {session ? (
        // Keyed by user: pages loaded for one account are never shown to the next.
        <OrderHistory key={session.user.id} />
      ) : (
        <p>
          <Link to="/sign-in">Sign in</Link> to see your orders.
        </p>
      )}
    </div>
  );
}

function OrderHistory() {
  const client = useClient();
  const [{ data, fetching, error }] = useQuery({ query: MyOrdersDocument, variables: { first: PAGE_SIZE } });
  // Later pages, fetched by cursor on "Load more" and appended to the first.
  const [more, setMore] = useState<Orders[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<CombinedError | undefined>();

  const first = data?.me?.orders;
  if (fetching && !data) return <p className="loading">Loading…</p>;
  if (!first) {
    const problem = problemOf(undefined, error);
    return problem ? (
      <p role="alert" className="error">
        {problem}
      </p>
    ) : (
      <p>
        Your session has ended. <Link to="/sign-in">Sign in again</Link> to see your orders.
      </p>
    );
  }

  const orders: Order[] = [...first.nodes, ...more.flatMap((page) => page.nodes)];
  const pageInfo = (more.at(-1) ?? first).pageInfo;

  const loadMore = async () => {
    if (!pageInfo.endCursor) return;
    setLoadingMore(true);
    const result = await client
      .query(MyOrdersDocument, { first: PAGE_SIZE, after: pageInfo.endCursor }, { requestPolicy: "network-only" })
      .toPromise();
    const page = result.data?.me?.orders;
    if (page) setMore((pages) => [...pages, page]);
    setMoreError(result.error);
    setLoadingMore(false);
  };

  if (orders.length === 0)
    return (
      <p>
        You have not placed an order yet. <Link to="/">Start shopping</Link>
      </p>
    );

  const moreProblem = problemOf(undefined, moreError);
  return (
    <>
      <p role="status" className="muted">
        Showing {orders.length} of {first.totalCount} order{first.totalCount === 1 ? "" : "s"}.
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Placed</th>
            <th scope="col">Status</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((order) => (
            <tr key={order.id}>
              <th scope="row">
                <Link to={`/orders/${order.id}`}>{order.number}</Link>
              </th>
              <td>
                <time dateTime={order.placedAt}>{formatDate(order.placedAt)}</time>
              </td>
              <td>
                <span className="status-badge" data-status={order.status}>
                  {statusLabel(order.status)}
                </span>
              </td>
              <td>{formatMoney(order.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Problem message={moreProblem} />
      {pageInfo.hasNextPage && (
        <button type="button" className="button-secondary" disabled={loadingMore} onClick={loadMore}>
          {loadingMore ? "Loading…" : "Load more"}
        </button>
      )}
    </>
  );
}
