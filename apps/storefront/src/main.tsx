import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router-dom";
import { Provider } from "urql";
import { CartProvider } from "./cart";
import { client } from "./graphql";
import { Layout } from "./layout";
import "./styles.css";

// One chunk per page: a shopper landing on a product page loads that page's code, not the admin's.
const page = (load: () => Promise<{ default: React.ComponentType }>) => {
  const Page = lazy(load);
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <Page />
    </Suspense>
  );
};

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: "/", element: page(() => import("./pages/home")) },
      { path: "/c/:slug", element: page(() => import("./pages/category")) },
      { path: "/search", element: page(() => import("./pages/search")) },
      { path: "/p/:slug", element: page(() => import("./pages/product")) },
      { path: "/cart", element: page(() => import("./pages/cart")) },
      { path: "/sign-in", element: page(() => import("./pages/sign-in")) },
      { path: "/sign-up", element: page(() => import("./pages/sign-in")) },
      { path: "/checkout", element: page(() => import("./pages/checkout")) },
      { path: "/orders", element: page(() => import("./pages/orders")) },
      { path: "/orders/:id", element: page(() => import("./pages/order")) },
      { path: "/account", element: page(() => import("./pages/account")) },
      { path: "/admin", element: page(() => import("./pages/admin")) },
      { path: "*", element: page(() => import("./pages/not-found")) },
    ],
  },
]);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Provider value={client}>
      <CartProvider>
        <RouterProvider router={router} />
      </CartProvider>
    </Provider>
  </StrictMode>,
);
