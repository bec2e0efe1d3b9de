import { Directive } from "type-graphql";

/**
 * Cache hints (Apollo's `@cacheControl`), declared where the data is owned. Anything without a
 * hint (a root field, an object field) is not cacheable: a subgraph opts in, type by type.
 */

/** The same for every caller for `maxAge` seconds (within one audience: the router keys by roles). */
export const PublicCache = (maxAge: number) => Directive(`@cacheControl(maxAge: ${maxAge}, scope: PUBLIC)`);

/** Depends on who asks: never shared between callers. */
export const PrivateCache = () => Directive("@cacheControl(maxAge: 0, scope: PRIVATE)");

/** A value type (Money, PageInfo, an edge): as cacheable as the field that holds it. */
export const InheritCache = () => Directive("@cacheControl(inheritMaxAge: true)");

/** How long each kind of public data may be served from a cache, as a safety net behind events. */
export const CACHE_MAX_AGE = {
  /** Products, variants, categories and stock: evicted by product, variant and stock events. */
  catalogue: 300,
  /** Reviews and ratings: evicted by review events, which may be lost (no outbox on MongoDB). */
  reviews: 60,
  /** Learned from paid orders, eventually consistent by nature. */
  recommendations: 60,
  /** Public profile fields (a reviewer's name): no event announces a change. */
  profiles: 60,
} as const;
