import {
  CartApplyCouponDocument,
  CartCreateDocument,
  CartDocument,
  CartLinesAddDocument,
  CartLinesRemoveDocument,
  CartLinesUpdateDocument,
  CartMergeDocument,
  MyCartDocument,
  type CartFieldsFragment,
} from "@cartograph/client/documents";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { client } from "./graphql";
import { useSession } from "./session";
import { problemOf } from "./user-errors";

/**
 * The cart, guest or signed in, through one set of calls: every change goes by the cart's id
 * (`cartLinesAdd` and friends). A guest's cart is made on the first add and its id kept in
 * localStorage; at sign-in it is merged into the customer's cart (`cartMerge`) and forgotten.
 */
const GUEST_CART_KEY = "cartograph.guestCartId";

export type CartChange = Promise<string | null>;

interface CartState {
  cart: CartFieldsFragment | null;
  loading: boolean;
  /** Each resolves to what to tell the shopper when refused, or null when done. */
  addLine(variantId: string, quantity: number): CartChange;
  setQuantity(lineId: string, quantity: number): CartChange;
  removeLine(lineId: string): CartChange;
  /** A coupon for this cart, a guest's too; an empty code removes it. */
  applyCoupon(code: string): CartChange;
  /** Reads the cart again (after a checkout emptied it, or gave it back). */
  reload(): Promise<void>;
}

const CartContext = createContext<CartState | null>(null);

export function useCart(): CartState {
  const state = useContext(CartContext);
  if (!state) throw new Error("useCart outside <CartProvider>");
  return state;
}

export function CartProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const signedIn = session !== null;
  const [cart, setCart] = useState<CartFieldsFragment | null>(null);
  const [loading, setLoading] = useState(true);

  const reload = useCallback(async () => {
    if (signedIn) {
      const guestId = localStorage.getItem(GUEST_CART_KEY);
      if (guestId) {
        // Signed in with a guest cart: its lines join the customer's cart (sign-in or sign-up).
        const merged = await client.mutation(CartMergeDocument, { cartId: guestId }).toPromise();
        const payload = merged.data?.cartMerge;
        if (payload) localStorage.removeItem(GUEST_CART_KEY);
        if (payload?.cart) {
          setCart(payload.cart);
          setLoading(false);
          return;
        }
      }
      const result = await client.query(MyCartDocument, {}, { requestPolicy: "network-only" }).toPromise();
      setCart(result.data?.myCart ?? null);
    } else {
      const guestId = localStorage.getItem(GUEST_CART_KEY);
      if (!guestId) setCart(null);
      else {
        const result = await client.query(CartDocument, { id: guestId }, { requestPolicy: "network-only" }).toPromise();
        // An idle guest cart is swept after 30 days: start afresh.
        if (result.data && !result.data.cart) localStorage.removeItem(GUEST_CART_KEY);
        setCart(result.data?.cart ?? null);
      }
    }
    setLoading(false);
  }, [signedIn]);

  // Signing in or out changes whose cart this is: show none until it is read (and merged).
  useEffect(() => {
    setLoading(true);
    void reload();
  }, [reload, session?.user.id]);

  /** The cart's id, making a guest cart first when there is none. */
  const cartId = useCallback(async (): Promise<string | { problem: string }> => {
    if (cart) return cart.id;
    if (signedIn) {
      const result = await client.query(MyCartDocument, {}).toPromise();
      return result.data?.myCart.id ?? { problem: problemOf(undefined, result.error) ?? "No cart." };
    }
    const created = await client.mutation(CartCreateDocument, {}).toPromise();
    const made = created.data?.cartCreate.cart;
    if (!made) return { problem: problemOf(created.data?.cartCreate.userErrors, created.error) ?? "No cart." };
    localStorage.setItem(GUEST_CART_KEY, made.id);
    setCart(made);
    return made.id;
  }, [cart, signedIn]);

  const change = useCallback(
    async (
      run: (id: string) => Promise<{
        cart: CartFieldsFragment | null;
        userErrors: Parameters<typeof problemOf>[0];
        error?: Parameters<typeof problemOf>[1];
      }>,
    ): CartChange => {
      const id = await cartId();
      if (typeof id !== "string") return id.problem;
      const outcome = await run(id);
      if (outcome.cart) setCart(outcome.cart);
      return problemOf(outcome.userErrors, outcome.error) ?? (outcome.cart ? null : "The cart could not be changed.");
    },
    [cartId],
  );

  const addLine = useCallback(
    (variantId: string, quantity: number) =>
      change(async (id) => {
        const result = await client.mutation(CartLinesAddDocument, { cartId: id, lines: [{ variantId, quantity }] });
        const payload = result.data?.cartLinesAdd;
        return { cart: payload?.cart ?? null, userErrors: payload?.userErrors, error: result.error };
      }),
    [change],
  );
  const setQuantity = useCallback(
    (lineId: string, quantity: number) =>
      change(async (id) => {
        const result = await client.mutation(CartLinesUpdateDocument, {
          cartId: id,
          lines: [{ id: lineId, quantity }],
        });
        const payload = result.data?.cartLinesUpdate;
        return { cart: payload?.cart ?? null, userErrors: payload?.userErrors, error: result.error };
      }),
    [change],
  );
  const removeLine = useCallback(
    (lineId: string) =>
      change(async (id) => {
        const result = await client.mutation(CartLinesRemoveDocument, { cartId: id, lineIds: [lineId] });
        const payload = result.data?.cartLinesRemove;
        return { cart: payload?.cart ?? null, userErrors: payload?.userErrors, error: result.error };
      }),
    [change],
  );

  const applyCoupon = useCallback(
    (code: string) =>
      change(async (id) => {
        const result = await client.mutation(CartApplyCouponDocument, { cartId: id, code });
        const payload = result.data?.cartApplyCoupon;
        return { cart: payload?.cart ?? null, userErrors: payload?.userErrors, error: result.error };
      }),
    [change],
  );

  const state = useMemo(
    () => ({ cart, loading, addLine, setQuantity, removeLine, applyCoupon, reload }),
    [cart, loading, addLine, setQuantity, removeLine, applyCoupon, reload],
  );
  return <CartContext.Provider value={state}>{children}</CartContext.Provider>;
}
