import { badUserInput } from "@cartograph/service-kit";
import type { CatalogueRepository } from "../catalogue/catalogue.repository";
import { fillUp, rankCandidates } from "../copurchase/copurchase.model";
import type { CoPurchaseRepository } from "../copurchase/copurchase.repository";

const MAX_RESULTS = 50;
const MAX_DAYS = 365;
/** How many more candidates to read than asked for, since inactive ones are dropped after reading. */
const overRead = (first: number) => first * 3 + 10;
/** The purchases of a user that `recommendedProducts` starts from. */
const RECENT_PURCHASES = 20;

function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 0 || first > MAX_RESULTS)
    throw badUserInput(`\`first\` must be between 0 and ${MAX_RESULTS}.`, "first");
}

/** What the service reads: MongoDB in the service, memory in the offline evaluation (bench/). */
export type CoPurchaseReader = Pick<
  CoPurchaseRepository,
  "neighbours" | "neighboursOfAll" | "boughtBy" | "boughtAmong" | "bestSellersSince"
>;
export type ActiveProducts = Pick<CatalogueRepository, "activeAmong">;

/** Never the product itself, an inactive product, or one the user already bought; cold starts fall back to trending. */
export class RecommendationService {
  constructor(
    private readonly coPurchases: CoPurchaseReader,
    private readonly products: ActiveProducts,
  ) {}

  async trendingProducts(first: number, days: number, excluded: ReadonlySet<string> = new Set()): Promise<string[]> {
    checkFirst(first);
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS)
      throw badUserInput(`\`days\` must be between 1 and ${MAX_DAYS}.`, "days");
    if (first === 0) return [];
    const since = new Date(Date.now() - (days - 1) * 86_400_000);
    const bestSellers = await this.coPurchases.bestSellersSince(since, overRead(first) + excluded.size);
    return this.keepActive(fillUp([], bestSellers, excluded, bestSellers.length), first);
  }

  async frequentlyBoughtTogether(productId: string, first: number): Promise<string[]> {
    checkFirst(first);
    if (first === 0) return [];
    const itself = new Set([productId]);
    const ranked = rankCandidates([await this.coPurchases.neighbours(productId, overRead(first))], itself);
    const together = await this.keepActive(ranked, first);
    if (together.length >= first) return together;
    return fillUp(together, await this.trendingProducts(first, 30, new Set([...itself, ...together])), itself, first);
  }

  async recommendedProducts(userId: string, first: number): Promise<string[]> {
    checkFirst(first);
    if (first === 0) return [];
    const recent = await this.coPurchases.boughtBy(userId, RECENT_PURCHASES);
    const lists = await this.coPurchases.neighboursOfAll(recent, overRead(first) * 4, recent);
    const candidates = rankCandidates(lists, new Set(recent));
    // Bought long ago (not among the recent ones) still counts as bought.
    const boughtEarlier = await this.coPurchases.boughtAmong(userId, candidates);
    const recommended = await this.keepActive(
      candidates.filter((id) => !boughtEarlier.has(id)),
      first,
    );
    if (recommended.length >= first) return recommended;
    const excluded = new Set([...recent, ...boughtEarlier, ...recommended]);
    const trending = await this.trendingProducts(Math.min(MAX_RESULTS, first + excluded.size), 30);
    const boughtTrending = await this.coPurchases.boughtAmong(userId, trending);
    return fillUp(recommended, trending, new Set([...excluded, ...boughtTrending]), first);
  }

  /** The first `limit` of `ids` that are active, in order (one query). */
  private async keepActive(ids: readonly string[], limit: number): Promise<string[]> {
    const active = await this.products.activeAmong(ids);
    return ids.filter((id) => active.has(id)).slice(0, limit);
  }
}
