import path from "node:path";
import { baseEnvSchema, eventsEnv, jwksUrl, port, requireProductionSecrets } from "@cartograph/service-kit";
import proxyAddr from "proxy-addr";
import { z } from "zod";

export const routerEnvSchema = baseEnvSchema
  .extend({
    PORT: port(4000),
    /** Prometheus `/metrics`, on a port of its own (never routed by the ingress); 0 picks a free one. */
    METRICS_PORT: port(9400),
    SUPERGRAPH_PATH: z.string().default(path.resolve(__dirname, "../../supergraph.graphql")),
    JWKS_URL: jwksUrl(),
    /** Extra browser origins allowed by CORS, comma-separated. Apollo Sandbox's is always allowed outside production. */
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((value) =>
        value
          .split(",")
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
    MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(12),
    MAX_QUERY_COST: z.coerce.number().int().min(1).default(20_000),
    MAX_ALIASES: z.coerce.number().int().min(1).default(30),
    MAX_TOKENS: z.coerce.number().int().min(1).default(2_000),
    SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /**
     * `allow`: trusted document ids are answered from the SDK's manifest, other documents run too
     * (Sandbox, APQ). `only` (production): nothing but a known trusted document id runs.
     */
    TRUSTED_DOCUMENTS: z.enum(["allow", "only"]).default("allow"),
    /** A manifest to trust instead of the SDK's current and released ones (Apollo's persisted query manifest format). */
    TRUSTED_DOCUMENTS_MANIFEST: z.string().optional(),
    /** WebSocket subscriptions: the largest message, and how long a socket may wait before `connection_init`. */
    WS_MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
    /** Live subscriptions per socket, and per signed-in user across sockets. */
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).default(20),
    WS_MAX_SUBSCRIPTIONS_PER_USER: z.coerce.number().int().min(1).default(50),
    /** How often sockets are pinged (a socket that missed the last ping is dropped). */
    WS_KEEPALIVE_MS: z.coerce.number().int().min(100).default(12_000),
    /** Router processes sharing the port, one per core you give it (see workers.ts). */
    ROUTER_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
    /** Keep-alive connections the router keeps open to each subgraph. */
    SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
    /**
     * Whole responses of operations on public data only, evicted by events (see cache/).
     * Unset: on in production, off elsewhere (so development reads never wait on an event).
     */
    ROUTER_CACHE: z.enum(["on", "off"]).optional(),
    /** Memory the response cache may use (least recently used entries go first). */
    ROUTER_CACHE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .default(64 * 1024 * 1024),
    /**
     * Cost throttling per client (the user when signed in, else the address): each operation's
     * computed cost is drawn from a bucket of THROTTLE_MAX_POINTS that refills THROTTLE_RESTORE_RATE
     * points a second. Over it: 429, RATE_LIMITED, Retry-After. ROUTER_THROTTLE=off turns it off
     * (where something in front of the router already limits clients).
     */
    ROUTER_THROTTLE: z.enum(["on", "off"]).default("on"),
    THROTTLE_MAX_POINTS: z.coerce.number().int().min(1).default(20_000),
    THROTTLE_RESTORE_RATE: z.coerce.number().int().min(1).default(1_000),
    /**
     * Proxies whose X-Forwarded-For is believed (Express "trust proxy": addresses, CIDRs, or the
     * ranges `loopback`, `linklocal`, `uniquelocal`; comma-separated). Empty: the client is the
     * socket's peer. Anonymous callers' throttle buckets are keyed by the client so found.
     */
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((value) =>
        value
          .split(",")
          .map((proxy) => proxy.trim())
          .filter(Boolean),
      )
      .superRefine((proxies, context) => {
        for (const proxy of proxies) {
          const problem = trustedProxyProblem(proxy);
          if (problem)
            context.addIssue({
              code: "custom",
              message: `"${proxy}": ${problem}; give IP addresses, CIDRs (10.42.0.0/16) or loopback, linklocal, uniquelocal`,
            });
        }
      }),
    /** A subgraph failing this many times in a row is failed fast (its circuit opens)... */
    SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
    /** ...for this long, then one trial call decides whether it closes again. */
    SUBGRAPH_BREAKER_OPEN_MS: z.coerce.number().int().min(100).default(5_000),
    /** A failed query fetch is retried once, within a budget of this share of recent requests (0: never). */
    SUBGRAPH_RETRY_RATIO: z.coerce.number().min(0).max(1).default(0.1),
    /** Identical query fetches in flight to a subgraph are sent once (never mutations). */
    ROUTER_DEDUP: z.enum(["on", "off"]).default("on"),
    /** HTTP/1.1 pipelining depth per connection (1: off; undici pipelines only what it may retry). */
    SUBGRAPH_PIPELINING: z.coerce.number().int().min(1).max(64).default(1),
    /** Subscriptions are fed from the events exchange (RABBITMQ_URL, EVENTS_EXCHANGE, EVENTS_QUEUE_NAMESPACE). */
    ...eventsEnv,
  })
  .superRefine(requireProductionSecrets);

export type RouterConfig = z.infer<typeof routerEnvSchema>;

/** `SUBGRAPH_USERS_URL` etc. override the routing URLs in the supergraph (containers, k8s). */
export function subgraphUrlOverride(env: NodeJS.ProcessEnv, subgraphName: string): string | undefined {
  return env[`SUBGRAPH_${subgraphName.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_URL`] || undefined;
}

/** Why Express's "trust proxy" (proxy-addr, which it compiles the list with) would refuse an entry; null when it takes it. */
function trustedProxyProblem(entry: string): string | null {
  try {
    proxyAddr.compile(entry);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
