import {
  buildConnection,
  lazy,
  parsePageArgs,
  type PageArgsInput,
  refuse,
  succeed,
  userError,
  UserErrorCode,
  type Connection,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import { CatalogueRepository } from "../catalogue/catalogue.repository";
import type { NotificationsDb } from "../db";
import type { WishlistItemRow } from "../db/schema";
import { WishlistRepository, type WishlistKey } from "./wishlist.repository";
import { MAX_WISHLIST_ITEMS, wishlistTargetOf, type WishlistTarget } from "./wishlist.rules";

export interface WishlistArgs {
  productId?: string | null;
  variantId?: string | null;
}

const exactlyOne = () => refuse(userError(UserErrorCode.INVALID, "Give exactly one of productId and variantId."));

/** A customer's wishlist: adding, removing, listing. Owners are checked by resolvers. */
export class WishlistService {
  private readonly wishlists: WishlistRepository;
  private readonly catalogue = new CatalogueRepository();

  constructor(private readonly db: NotificationsDb) {
    this.wishlists = new WishlistRepository(db);
  }

  /**
   * Adds a variant or a whole product; adding what is there already returns it unchanged. The ids
   * are checked against notifications' catalogue copy (a variant's product is read from it).
   */
  async add(userId: string, args: WishlistArgs): Promise<Outcome<WishlistItemRow>> {
    const target = wishlistTargetOf(args);
    if (!target) return exactlyOne();
    const key = await this.keyOf(target);
    if (!key) {
      const field = target.variantId === null ? "productId" : "variantId";
      return refuse(userError(UserErrorCode.NOT_FOUND, "No such product or variant is sold.", [field]));
    }
    if ((await this.wishlists.count(userId)) >= MAX_WISHLIST_ITEMS) {
      return refuse(userError(UserErrorCode.INVALID, `A wishlist holds at most ${MAX_WISHLIST_ITEMS} items.`));
    }
    return succeed(await this.wishlists.add(userId, key));
  }

  /** Removes the item that names exactly this product (whole) or variant. */
  async remove(userId: string, args: WishlistArgs): Promise<Outcome<WishlistItemRow>> {
    const target = wishlistTargetOf(args);
    if (!target) return exactlyOne();
    const removed = await this.wishlists.remove(userId, target);
    if (removed) return succeed(removed);
    const field = target.variantId === null ? "productId" : "variantId";
    return refuse(userError(UserErrorCode.NOT_FOUND, "That is not on your wishlist.", [field]));
  }

  async list(userId: string, args: PageArgsInput): Promise<Connection<WishlistItemRow>> {
    const page = parsePageArgs(args, 2);
    const rows = await this.wishlists.list(userId, page);
    return buildConnection(
      rows,
      page,
      lazy(() => this.wishlists.count(userId)),
      (row) => [row.addedAt.toISOString(), row.id],
    );
  }

  private async keyOf(target: WishlistTarget): Promise<WishlistKey | null> {
    if (target.variantId === null) {
      return (await this.catalogue.productIsActive(this.db, target.productId))
        ? { productId: target.productId, variantId: null }
        : null;
    }
    const [variant] = await this.catalogue.findByIds(this.db, [target.variantId]);
    return variant?.active ? { productId: variant.productId, variantId: variant.variantId } : null;
  }
}
