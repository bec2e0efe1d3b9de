import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloGateway, LocalGraphQLDataSource } from "@apollo/gateway";
import { NODE_SUBGRAPH, nodeSubgraphSchema } from "./node/schema";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { expressMiddleware } from "@as-integrations/express5";
import { connectBroker } from "@cartograph/events";
import { headerValue, queueOwner, requestIdFrom, REQUEST_ID_HEADER, type Logger } from "@cartograph/service-kit";
import { createJwksVerifier, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import {
  operationMetrics,
  operationTypeLabel,
  secondsSince,
  startMetricsServer,
} from "@cartograph/service-kit/metrics";
import { TRACE_RESPONSE_HEADER, traceResponseHeader } from "@cartograph/service-kit/telemetry";
import {
  graphqlHttpErrors,
  graphqlJsonBody,
  mountHealthRoutes,
  notFoundAsJson,
  requireAcceptable,
  requireJsonPost,
  type RunningServer,
} from "@cartograph/service-kit/server";
import cors from "cors";
import express from "express";
import helmet from "helmet";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { subgraphUrlOverride, type RouterConfig } from "./config";
import { authenticate, type RouterContext } from "./context";
import { AccessRules, authorizingGateway, supergraphForGateway } from "./authorization";
import { createRouterErrorFormatter, operationResolutionPlugin } from "./errors";
import { operationLimits } from "./limits";
import { SubgraphDataSource } from "./subgraph-source";
import { allowedOriginsOf } from "./origins";
import { CostHints, CostThrottle, costThrottlePlugin } from "./throttle";
import { TrustedDocuments } from "./trusted-documents";
import { startCacheInvalidation } from "./cache/invalidation";
import { DeletedAccounts, listenForDeletedAccounts, refusingDeletedAccounts } from "./deleted-accounts";
import { ResponseCache, responseCachePlugin, type ResponseCacheStats } from "./cache/response-cache";
import {
  EVENTS_SUBGRAPH,
  RouterSubscriptions,
  subscriptionsOverHttpPlugin,
  UnroutableEventsSource,
  type SubscriptionStats,
} from "./subscriptions";

/**
 * The headers a JSON API should send (helmet): nosniff, no framing, no referrer, HSTS in
 * production. Outside production the content security policy is left off, so Sandbox's landing
 * page (served on GET /graphql) can load.
 */
function securityHeaders(production: boolean): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: production ? { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } : false,
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: production,
  });
}

export interface RouterOptions {
  config: RouterConfig;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Defaults to the users service's JWKS from config. */
  verifier?: AccessTokenVerifier;
  /**
   * Serve `/metrics` on METRICS_PORT (default). A node:cluster worker does not: the primary
   * serves every worker's metrics, summed (workers.ts).
   */
  serveMetrics?: boolean;
}

export interface RunningRouter extends RunningServer {
  /** Live WebSocket connections and subscriptions of this process (tests, diagnostics). */
  subscriptionStats: () => SubscriptionStats;
  /** Hits, misses and size of the response cache; null when it is off. */
  cacheStats: () => ResponseCacheStats | null;
  /** Subgraph fetches joined to an identical one in flight, since start. */
  deduplicated: () => number;
  /** Where this process serves Prometheus `/metrics`; null when it does not (a cluster worker). */
  metricsUrl: string | null;
}

/**
 * The router: `@apollo/gateway` over the checked-in supergraph (no runtime introspection),
 * Apollo Server 5 on `/graphql`, token verified before any subgraph call, limits, masking;
 * subscriptions over WebSocket on the same path (./subscriptions).
 */
export async function startRouter({
  config,
  log,
  env = process.env,
  verifier,
  serveMetrics = true,
}: RouterOptions): Promise<RunningRouter> {
  const production = config.NODE_ENV === "production";
  // The router's own listeners (deleted accounts; cache eviction when cached) share one connection.
  const broker = connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log });
  const routerQueueOwner = queueOwner("router", config.EVENTS_QUEUE_NAMESPACE);
  const deletedAccounts = new DeletedAccounts();
  // In the background, like the subscription feed: HTTP is served while the broker is down.
  const accountsListener = listenForDeletedAccounts({
    broker,
    queueOwner: routerQueueOwner,
    accounts: deletedAccounts,
    log,
  });
  accountsListener.catch((error: unknown) => log.error({ err: error }, "could not listen for deleted accounts"));
  const tokenVerifier = refusingDeletedAccounts(verifier ?? createJwksVerifier(config.JWKS_URL), deletedAccounts);
  const limits = operationLimits(config);
  const formatError = createRouterErrorFormatter(log);
  const trustedDocuments = TrustedDocuments.load(
    config.TRUSTED_DOCUMENTS,
    ...(config.TRUSTED_DOCUMENTS_MANIFEST ? [[config.TRUSTED_DOCUMENTS_MANIFEST]] : []),
  );
  // Clients name ad-hoc operations as they please: only the trusted documents' names are labels.
  const operations = operationMetrics({
    prefix: "cartograph_router",
    labelNames: ["operation_name", "operation_type"],
    labelsOf: (answered) => ({
      operation_name: trustedDocuments.operationNameLabel(answered.operationName),
      operation_type: operationTypeLabel(answered),
    }),
  });
  const subscriptions = new RouterSubscriptions({
    config,
    log,
    trustedDocuments,
    verifier: tokenVerifier,
    validationRules: limits.validationRules,
    formatError,
  });
  const sources: SubgraphDataSource[] = [];
  const cache =
    (config.ROUTER_CACHE ?? (production ? "on" : "off")) === "on"
      ? new ResponseCache(config.ROUTER_CACHE_MAX_BYTES)
      : null;
  // In the background: HTTP is served while the broker is down (uncached).
  const invalidation = cache ? startCacheInvalidation({ broker, queueOwner: routerQueueOwner, cache, log }) : null;
  invalidation?.catch((error: unknown) => log.error({ err: error }, "cache invalidation could not start"));
  const cacheMeasured = cache?.measure();
  const supergraphSdl = readFileSync(config.SUPERGRAPH_PATH, "utf8");
  // @apollo/gateway reports its own usage to Apollo unless told not to (an OTLP metrics exporter to
  // Apollo's endpoint, after probing cloud metadata addresses such as 169.254.169.254): a
  // self-hosted router sends nothing anywhere it was not configured to.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphForGateway(supergraphSdl),
    logger: log,
    buildService: ({ name, url }) => {
      // The router's own events graph is composed but never called: subscriptions serve it.
      if (name === EVENTS_SUBGRAPH) return new UnroutableEventsSource();
      // The router's own "node" subgraph runs in-process: it only names the type an id is.
      if (name === NODE_SUBGRAPH) return new LocalGraphQLDataSource(nodeSubgraphSchema());
      const target = subgraphUrlOverride(env, name) ?? url;
      if (!target)
        throw new Error(
          `No URL for subgraph "${name}": set it in supergraph.yaml or SUBGRAPH_${name.toUpperCase()}_URL`,
        );
      const source = new SubgraphDataSource(
        name,
        target,
        config.ROUTER_SECRET,
        {
          connections: config.SUBGRAPH_CONNECTIONS,
          pipelining: config.SUBGRAPH_PIPELINING,
          timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
          dedup: config.ROUTER_DEDUP === "on",
          tagEntities: cache !== null,
          breakerFailures: config.SUBGRAPH_BREAKER_FAILURES,
          breakerOpenMs: config.SUBGRAPH_BREAKER_OPEN_MS,
          retryRatio: config.SUBGRAPH_RETRY_RATIO,
        },
        log,
      );
      sources.push(source);
      subscriptions.dataSources.set(name, source);
      return source;
    },
  });
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => subscriptions.useSupergraph(coreSupergraphSdl));

  const app = express();
  app.disable("x-powered-by");
  app.use(traceResponseHeader);
  app.set("trust proxy", config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false);
  const httpServer = http.createServer(app);
  let shuttingDown = false;
  let supergraphLoaded = false;

  const apollo = new ApolloServer<RouterContext>({
    // What a viewer may not see is taken out before planning (the SDL's @authenticated, @requiresScopes).
    gateway: authorizingGateway(
      gateway,
      AccessRules.fromSupergraph(supergraphSdl),
      (context) => (context as RouterContext).viewer,
    ),
    formatError,
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (stopOnSignals), so in-flight requests and subscriptions drain first.
    stopOnTerminationSignals: false,
    introspection: !production,
    validationRules: limits.validationRules,
    parseOptions: { maxTokens: config.MAX_TOKENS },
    allowBatchedHttpRequests: false,
    // With trusted documents only, nothing may register a document by its hash.
    ...(config.TRUSTED_DOCUMENTS === "only" ? { persistedQueries: false as const } : {}),
    plugins: [
      operations.plugin<RouterContext>(),
      operationResolutionPlugin,
      ...limits.plugins,
      ...(config.ROUTER_THROTTLE === "on"
        ? [
            costThrottlePlugin(
              new CostThrottle({
                maximumAvailable: config.THROTTLE_MAX_POINTS,
                restoreRate: config.THROTTLE_RESTORE_RATE,
              }),
              CostHints.fromSupergraph(supergraphSdl),
            ),
          ]
        : []),
      // Only while this process hears the events that evict stale entries.
      ...(cache ? [responseCachePlugin(cache, () => broker.isConnected())] : []),
      subscriptionsOverHttpPlugin,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      {
        async serverWillStart() {
          supergraphLoaded = true;
        },
      },
    ],
  });
  await apollo.start();

  mountHealthRoutes(
    app,
    {
      supergraph: async () => {
        if (!supergraphLoaded) throw new Error("supergraph not loaded");
      },
    },
    () => shuttingDown,
  );

  const allowedOrigin = allowedOriginsOf(config);
  app.use(securityHeaders(production));
  app.use(
    "/graphql",
    cors({
      origin: (origin, callback) => callback(null, !origin || allowedOrigin(origin)),
      exposedHeaders: [REQUEST_ID_HEADER, TRACE_RESPONSE_HEADER],
    }),
    requireAcceptable,
    requireJsonPost,
    graphqlJsonBody(),
    trustedDocumentsMiddleware(trustedDocuments, formatError, (code, started) =>
      operations.recordRefusal({ operation_name: "other", operation_type: "unknown" }, code, secondsSince(started)),
    ),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestIdFrom(req.headers);
        res.setHeader(REQUEST_ID_HEADER, requestId);
        const requestLog = log.child({ requestId });
        return {
          requestId,
          log: requestLog,
          clientAddress: req.ip,
          ...(await authenticate(headerValue(req.headers, "authorization"), tokenVerifier)),
        };
      },
    }),
  );

  app.use(notFoundAsJson);
  app.use(graphqlHttpErrors(log));
  subscriptions.listen(httpServer, "/graphql");

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${port}/graphql`;
  const metricsServer = serveMetrics ? await startMetricsServer({ config, log }) : null;
  log.info({ url }, production ? "router ready" : `router ready: open ${url} in a browser for Apollo Sandbox`);
  return {
    url,
    port,
    metricsUrl: metricsServer?.url ?? null,
    subscriptionStats: () => subscriptions.stats(),
    cacheStats: () => cache?.stats() ?? null,
    deduplicated: () => sources.reduce((sum, source) => sum + source.stats.deduplicated, 0),
    stop: async () => {
      shuttingDown = true;
      // Sockets first (1001, going away): the HTTP drain does not know upgraded connections.
      await subscriptions.closeConnections();
      await apollo.stop();
      await subscriptions.stop();
      await Promise.all(sources.map((source) => source.close()));
      await (await invalidation?.catch(() => null))?.stop();
      await (await accountsListener.catch(() => null))?.stop();
      await broker.close();
      await cacheMeasured?.stop();
      // Last: scrapes see the whole shutdown.
      await metricsServer?.stop();
    },
  };
}

/**
 * Resolves a trusted document id (POST body, or GET `documentId` / `extensions`) to its text
 * before Apollo Server sees the request; refuses what the mode does not allow, in JSON.
 */
function trustedDocumentsMiddleware(
  trustedDocuments: TrustedDocuments,
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
  /** A refusal, counted with the operations Apollo Server answers (it never sees this one). */
  onRefused: (code: unknown, started: bigint) => void,
): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const fromQueryString = req.method === "GET";
    const source = (fromQueryString ? req.query : req.body) as Record<string, unknown> | undefined;
    if (!source || typeof source !== "object" || Array.isArray(source)) return next();
    const extensions = fromQueryString ? parseJson(source.extensions) : source.extensions;
    try {
      const query = trustedDocuments.resolve({ query: source.query, documentId: source.documentId, extensions });
      if (query === undefined) return next();
      const resolved: Record<string, unknown> = { ...source, query };
      delete resolved.documentId;
      // The id has done its work: APQ must not look at it again.
      if (extensions && typeof extensions === "object") {
        const { persistedQuery: _persistedQuery, ...rest } = extensions as Record<string, unknown>;
        resolved.extensions = fromQueryString ? JSON.stringify(rest) : rest;
      }
      if (fromQueryString) Object.defineProperty(req, "query", { value: resolved, configurable: true });
      else req.body = resolved;
      next();
    } catch (error) {
      if (!(error instanceof GraphQLError)) return next(error);
      const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 400;
      res.status(status).json({ errors: [formatError(error.toJSON(), error)] });
      onRefused(error.extensions.code, started);
    }
  };
}

function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
