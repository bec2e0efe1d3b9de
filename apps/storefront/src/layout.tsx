import { CategoryTreeDocument, LogoutDocument } from "@cartograph/client/documents";
import { useEffect, useRef } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";
import { useQuery } from "urql";
import { useCart } from "./cart";
import { client } from "./graphql";
import { SearchBox } from "./components/search-box";
import { getSession, isAdmin, setSession, useSession } from "./session";

/** Every page's frame: the header (search, categories, account, cart), the page, the footer. */
export function Layout() {
  const session = useSession();
  const { cart } = useCart();
  const [{ data }] = useQuery({ query: CategoryTreeDocument });
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);

  // A new page moves focus to its content, as a full page load would for screen readers.
  useEffect(() => {
    main.current?.focus();
  }, [location.pathname]);

  const signOut = async () => {
    const refreshToken = getSession()?.refreshToken;
    if (refreshToken) await client.mutation(LogoutDocument, { refreshToken }).toPromise();
    setSession(null);
    navigate("/");
  };

  const count = cart?.totalQuantity ?? 0;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-row">
          <Link to="/" className="brand">
            Cartograph
          </Link>
          <SearchBox />
          <nav aria-label="Account" className="account-nav">
            {session ? (
              <>
                <NavLink to="/orders">Orders</NavLink>
                <NavLink to="/account">Account</NavLink>
                {isAdmin(session) && <NavLink to="/admin">Admin</NavLink>}
                <button type="button" className="link-button" onClick={signOut}>
                  Sign out
                </button>
              </>
            ) : (
              <NavLink to="/sign-in">Sign in</NavLink>
            )}
            <NavLink to="/cart" className="cart-link" aria-label={`Cart, ${count} item${count === 1 ? "" : "s"}`}>
              Cart <span className="cart-count">{count}</span>
            </NavLink>
          </nav>
        </div>
        <nav aria-label="Categories" className="category-nav">
          <ul>
            {data?.categories.map((category) => (
              <li key={category.id}>
                <NavLink to={`/c/${category.slug}`}>{category.name}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>
          Cartograph, a shop on a GraphQL federation supergraph. Test cards: tok_visa pays, tok_chargeDeclined is
          declined.
        </p>
      </footer>
    </>
  );
}
