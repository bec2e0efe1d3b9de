import { createHash } from "node:crypto";
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from "@apollo/server";
import { counter, scrapedGauge, type SourceRegistration } from "@cartograph/service-kit/metrics";
import { Kind, type OperationDefinitionNode } from "graphql";
import { LRUCache } from "lru-cache";
import type { RouterContext } from "../context";

interface CachedResponse {
  /** The response body, serialised once. */
  body: string;
  storedAt: number;
  expiresAt: number;
  tags: readonly string[];
}

const cacheLookups = counter({
  name: "cartograph_router_cache_lookups_total",
  help: "Response cache lookups of queries: `hit` (answered from the cache) or `miss`.",
  labelNames: ["result"],
});
const cacheStores = counter({
  name: "cartograph_router_cache_stores_total",
  help: "Responses stored in the response cache.",
});
const cacheEvictions = counter({
  name: "cartograph_router_cache_evictions_total",
  help: "Entries gone from the response cache: `invalidated` (an event made them stale), `expired` (past their max age), `capacity` (least recently used, to make room).",
  labelNames: ["reason"],
});

const cacheEntries = scrapedGauge({
  name: "cartograph_router_cache_entries",
  help: "Responses held in the response cache.",
});
const cacheSize = scrapedGauge({
  name: "cartograph_router_cache_size_bytes",
  help: "Memory the response cache's entries take, as it counts it against ROUTER_CACHE_MAX_BYTES.",
});

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  stored: number;
  evicted: number;
  entries: number;
  bytes: number;
}

/**
 * Whole responses of operations that touch only public data, bounded by bytes (LRU). Each entry
 * carries tags: the ids of the entities the response was built from and its root fields, so an
 * event about one of them evicts it at once; the max age the subgraphs declared is only a safety net.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, CachedResponse>;
  private readonly keysByTag = new Map<string, Set<string>>();
  private readonly counts = { hits: 0, misses: 0, stored: 0, evicted: 0 };

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, CachedResponse>({
      maxSize: maxBytes,
      sizeCalculation: (entry) => entry.body.length + 64,
      dispose: (entry, key, reason) => {
        this.forget(key, entry);
        if (reason === "evict") cacheEvictions.inc({ reason: "capacity" });
      },
    });
  }

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > Date.now()) {
      this.counts.hits += 1;
      cacheLookups.inc({ result: "hit" });
      return entry;
    }
    if (entry && this.entries.delete(key)) cacheEvictions.inc({ reason: "expired" });
    this.counts.misses += 1;
    cacheLookups.inc({ result: "miss" });
    return undefined;
  }

  set(key: string, body: string, maxAgeSeconds: number, tags: Iterable<string>): void {
    const now = Date.now();
    const entry: CachedResponse = { body, storedAt: now, expiresAt: now + maxAgeSeconds * 1000, tags: [...tags] };
    this.entries.set(key, entry);
    if (!this.entries.has(key)) return; // larger than the whole cache
    for (const tag of entry.tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) this.keysByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    this.counts.stored += 1;
    cacheStores.inc();
  }

  /** Evicts every response built from any of these entities or root fields; resolves how many. */
  invalidate(tags: Iterable<string>): number {
    let evicted = 0;
    for (const tag of tags) {
      for (const key of [...(this.keysByTag.get(tag) ?? [])]) {
        if (this.entries.delete(key)) evicted += 1;
      }
    }
    this.counts.evicted += evicted;
    cacheEvictions.inc({ reason: "invalidated" }, evicted);
    return evicted;
  }

  clear(): void {
    this.entries.clear();
  }

  /** Reports the cache's entries and size at every scrape, until stopped. */
  measure(): SourceRegistration {
    const registrations = [
      cacheEntries.from(() => [{ labels: {}, value: this.entries.size }]),
      cacheSize.from(() => [{ labels: {}, value: this.entries.calculatedSize }]),
    ];
    return { stop: async () => void (await Promise.all(registrations.map((registration) => registration.stop()))) };
  }

  stats(): ResponseCacheStats {
    return { ...this.counts, entries: this.entries.size, bytes: this.entries.calculatedSize };
  }

  private forget(key: string, entry: CachedResponse): void {
    for (const tag of entry.tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
  }
}

/** Who the response is for: the same public data may differ by role (admins see deleted products). */
function audienceOf(context: RouterContext): string {
  return context.viewer ? [...context.viewer.roles].sort().join(",") : "anonymous";
}

/** The root fields an operation asks for, as tags (`Query.products`): lists an event can change. */
export function rootFieldTags(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [`Query.${selection.name.value}`] : [],
  );
}

/** The response's key; undefined for variables nested deeper than JSON.stringify can follow: not cached. */
function keyOf(request: GraphQLRequestContext<RouterContext>): string | undefined {
  let text: string;
  try {
    text = JSON.stringify([
      audienceOf(request.contextValue),
      request.operationName ?? null,
      request.source ?? "",
      request.request.variables ?? {},
    ]);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return createHash("sha256").update(text).digest("base64url");
}

/**
 * Serves a query's whole response from the cache when it is there, and stores one when every
 * subgraph that built it declared its data public (the overall cache policy). Never a mutation,
 * never a response with errors, never anything private.
 */
export function responseCachePlugin(
  cache: ResponseCache,
  /** False while the events that evict entries cannot be heard: then nothing is served or stored. */
  listening: () => boolean,
): ApolloServerPlugin<RouterContext> {
  let wasListening = true;
  return {
    async requestDidStart() {
      const now = listening();
      if (!now && wasListening) cache.clear(); // what was evicted while deaf is unknown
      wasListening = now;
      if (!now) return {};
      let key: string | undefined;
      let served: CachedResponse | undefined;
      return {
        async responseForOperation(request) {
          if (request.operation.operation !== "query") return null;
          key = keyOf(request);
          if (key === undefined) return null;
          served = cache.get(key);
          if (!served) return null;
          const remaining = Math.max(0, Math.floor((served.expiresAt - Date.now()) / 1000));
          request.overallCachePolicy.restrict({ maxAge: remaining, scope: "PUBLIC" });
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: "single", singleResult: JSON.parse(served.body) as Record<string, unknown> },
          };
        },
        async willSendResponse(request) {
          const { response } = request;
          if (served) {
            response.http.headers.set("age", String(Math.floor((Date.now() - served.storedAt) / 1000)));
            return;
          }
          if (!key || !request.operation || response.body.kind !== "single") return;
          const result = response.body.singleResult;
          if (result.errors?.length) return;
          const policy = request.overallCachePolicy.policyIfCacheable();
          if (!policy || policy.scope === "PRIVATE" || policy.maxAge <= 0) return;
          const tags = [...(request.contextValue.cacheTags ?? []), ...rootFieldTags(request.operation)];
          // The data alone: extensions (what this caller's request cost) belong to each answer.
          cache.set(key, JSON.stringify({ data: result.data }), policy.maxAge, tags);
        },
      };
    },
  };
}
