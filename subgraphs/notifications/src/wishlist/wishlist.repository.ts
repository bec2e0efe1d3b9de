import { newestFirstPage } from "@cartograph/service-kit/db";
import { newId } from "@cartograph/service-kit";
import type { PageRequest } from "@cartograph/service-kit/graphql";
import { and, count, eq, inArray, isNull, notExists, or, sql } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import { purchases, wishlistItems, type WishlistItemRow } from "../db/schema";
import type { WishlistTarget } from "./wishlist.rules";

/** An item's identity within a user's wishlist: a product and a variant of it, or the whole product. */
export interface WishlistKey {
  productId: string;
  variantId: string | null;
}

/** A variant something happened to, and its product (whole-product items watch every variant). */
export interface WatchedVariant {
  variantId: string;
  productId: string;
}

/** The queries of wishlists; the alert queries run in the caller's (the consumer's) transaction. */
export class WishlistRepository {
  constructor(private readonly db: NotificationsExecutor) {}

  /** Adds the item, or returns the one already there (adding twice changes nothing). */
  async add(userId: string, key: WishlistKey): Promise<WishlistItemRow> {
    const [inserted] = await this.db
      .insert(wishlistItems)
      .values({ id: newId("wsh"), userId, ...key })
      .onConflictDoNothing()
      .returning();
    if (inserted) return inserted;
    const target: WishlistTarget =
      key.variantId === null ? { productId: key.productId, variantId: null } : { variantId: key.variantId };
    const [existing] = await this.db.select().from(wishlistItems).where(this.matching(userId, target));
    // Removed between the two statements: add it again rather than report a phantom.
    return existing ?? this.add(userId, key);
  }

  async remove(userId: string, target: WishlistTarget): Promise<WishlistItemRow | null> {
    const [row] = await this.db.delete(wishlistItems).where(this.matching(userId, target)).returning();
    return row ?? null;
  }

  /** Newest first; keyset on (added_at, id). */
  async list(userId: string, page: PageRequest): Promise<WishlistItemRow[]> {
    const keyset = newestFirstPage(wishlistItems.addedAt, wishlistItems.id, page);
    return this.db
      .select()
      .from(wishlistItems)
      .where(and(eq(wishlistItems.userId, userId), keyset.where))
      .orderBy(...keyset.orderBy)
      .limit(page.limit + 1);
  }

  async count(userId: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(wishlistItems).where(eq(wishlistItems.userId, userId));
    return row?.n ?? 0;
  }

  /**
   * The items watching any of these variants (the variant itself, or its whole product), leaving
   * out those whose owner has bought the product since adding it (a paid order, `purchases`).
   */
  async watching(tx: NotificationsExecutor, variants: readonly WatchedVariant[]): Promise<WishlistItemRow[]> {
    if (variants.length === 0) return [];
    const variantIds = [...new Set(variants.map((v) => v.variantId))];
    const productIds = [...new Set(variants.map((v) => v.productId))];
    const boughtSince = tx
      .select({ one: sql`1` })
      .from(purchases)
      .where(
        and(
          eq(purchases.userId, wishlistItems.userId),
          eq(purchases.productId, wishlistItems.productId),
          sql`${purchases.paidAt} >= ${wishlistItems.addedAt}`,
        ),
      );
    return tx
      .select()
      .from(wishlistItems)
      .where(
        and(
          or(
            inArray(wishlistItems.variantId, variantIds),
            and(isNull(wishlistItems.variantId), inArray(wishlistItems.productId, productIds)),
          ),
          notExists(boughtSince),
        ),
      );
  }

  // A variant belongs to one product, so its id alone names the item.
  private matching(userId: string, target: WishlistTarget) {
    return and(
      eq(wishlistItems.userId, userId),
      target.variantId === null
        ? and(eq(wishlistItems.productId, target.productId), isNull(wishlistItems.variantId))
        : eq(wishlistItems.variantId, target.variantId),
    );
  }
}
