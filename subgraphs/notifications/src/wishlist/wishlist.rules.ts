import type { CatalogueStockRow, CatalogueVariantRow } from "../db/schema";
import { displayMoney } from "../email/email.templates";
import type { Message } from "../notification/notification.rules";

/** A wishlist is a list of wants, not a catalogue: past this, adding is refused. */
export const MAX_WISHLIST_ITEMS = 200;

/** What a wishlist item points at: a variant, or a whole product (`variantId` null). */
export type WishlistTarget = { productId: string; variantId: null } | { variantId: string };

/** Exactly one of the two ids, or null (the caller refuses with INVALID). */
export function wishlistTargetOf(args: {
  productId?: string | null;
  variantId?: string | null;
}): WishlistTarget | null {
  const productId = args.productId?.trim() || null;
  const variantId = args.variantId?.trim() || null;
  if ((productId === null) === (variantId === null)) return null;
  return variantId !== null ? { variantId } : { productId: productId!, variantId: null };
}

export interface PriceDrop {
  from: number;
  to: number;
  currencyCode: string;
}

/**
 * The drop a snapshot announces against the copy it replaces, or null: a rise, the same price, a
 * currency change (not comparable), a first sighting or a copy from before prices were kept
 * (nothing to compare), or a variant no longer sold.
 */
export function priceDropOf(
  previous: Pick<CatalogueVariantRow, "priceAmount" | "currencyCode"> | null,
  next: { price: { amount: number; currencyCode: string }; active: boolean },
): PriceDrop | null {
  if (!previous || previous.priceAmount === null || !next.active) return null;
  if (previous.currencyCode !== next.price.currencyCode || next.price.amount >= previous.priceAmount) return null;
  return { from: previous.priceAmount, to: next.price.amount, currencyCode: next.price.currencyCode };
}

/**
 * Back in stock is the move from none to some. A variant whose stock was never announced here is
 * not "back": nobody could have been waiting on an absence we never saw.
 */
export const cameBackInStock = (previous: Pick<CatalogueStockRow, "inStock"> | null, inStock: boolean): boolean =>
  previous !== null && !previous.inStock && inStock;

/** How a variant is named in alerts: "Mug - Blue", or its id if the catalogue copy has not heard of it. */
export const variantLabel = (
  variantId: string,
  variant: Pick<CatalogueVariantRow, "productName" | "title"> | undefined,
) => (variant ? `${variant.productName} - ${variant.title}` : variantId);

export function priceDropMessage(userId: string, label: string, drop: PriceDrop): Message {
  const now = displayMoney(drop.to, drop.currencyCode);
  const was = displayMoney(drop.from, drop.currencyCode);
  return {
    topic: "PRICE_DROP",
    userId,
    orderId: null,
    title: `Price drop: ${label}`,
    body: `${label} from your wishlist is now ${now} (was ${was}).`,
    paragraphs: [`Good news: ${label}, on your wishlist, is now ${now} (was ${was}).`],
  };
}

/** One message per customer and event, naming every variant of theirs that came back. */
export function backInStockMessage(userId: string, labels: readonly string[]): Message {
  const [first, ...rest] = labels;
  const what = rest.length === 0 ? first! : `${first} and ${rest.length} more from your wishlist`;
  return {
    topic: "BACK_IN_STOCK",
    userId,
    orderId: null,
    title: `Back in stock: ${what}`,
    body: `${what} ${labels.length === 1 ? "is" : "are"} back in stock.`,
    paragraphs: [`Good news: ${labels.join(", ")} ${labels.length === 1 ? "is" : "are"} back in stock.`],
  };
}
