import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Express } from "express";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "../logger";
import { bearerToken, type AccessTokenVerifier, type Viewer } from "../auth";
import { createErrorMasker, ErrorCode } from "../errors";
import { operationMetrics, operationTypeLabel, rootFieldLabel } from "../metrics/operations";
import { mountHealthRoutes, type ReadinessChecks } from "./health";
import { graphqlHttpErrors, graphqlJsonBody, notFoundAsJson, requireAcceptable, requireJsonPost } from "./http-edge";
import { headerValue, requestIdFrom, REQUEST_ID_HEADER, ROUTER_SECRET_HEADER, secretsMatch } from "../request";
import { traceResponseHeader } from "../telemetry";

/** What every subgraph resolver sees; services extend it with their loaders. */
export interface RequestContext {
  requestId: string;
  log: Logger;
  viewer: Viewer | null;
}

export interface SubgraphServerOptions<TContext extends RequestContext> {
  service: string;
  schema: GraphQLSchema;
  /** Where to listen, and the secret the router sends (the service's own config). */
  config: { HOST: string; PORT: number; ROUTER_SECRET: string };
  log: Logger;
  verifier: AccessTokenVerifier;
  /** Adds per-request state (DataLoaders, services) to the base context. */
  createContext: (base: RequestContext) => TContext | Promise<TContext>;
  readiness: ReadinessChecks;
  /** Routes beside `/graphql` that need no router credential (e.g. users' JWKS). */
  publicRoutes?: (app: Express) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  stop: () => Promise<void>;
}

/** Logs each operation once, with its duration, so a request id leads to what it did. */
function operationLogPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors }) {
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          contextValue.log.debug({ operationName, durationMs, errorCount: errors?.length ?? 0 }, "operation done");
        },
      };
    },
  };
}

// A subgraph is called by the router with generated operation names (the client's name inside):
// its operations are told apart by their root field instead, which the schema bounds.
const subgraphOperations = operationMetrics({
  prefix: "cartograph_subgraph",
  labelNames: ["operation_type", "root_field"],
  labelsOf: (answered) => ({ operation_type: operationTypeLabel(answered), root_field: rootFieldLabel(answered) }),
});

/**
 * Starts a subgraph: Apollo Server 5 on `/graphql` behind the router credential, `/healthz`,
 * `/readyz`, graceful drain. The access token is verified again here (defence in depth).
 */
export async function startSubgraphServer<TContext extends RequestContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<RunningServer> {
  const { log } = options;
  const app = express();
  app.disable("x-powered-by");
  app.use(traceResponseHeader);
  const httpServer = http.createServer(app);
  let shuttingDown = false;

  const apollo = new ApolloServer<TContext>({
    schema: options.schema,
    formatError: createErrorMasker(log),
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (stopOnSignals): Apollo's own handler would exit before consumers and pools close.
    stopOnTerminationSignals: false,
    introspection: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // No Apollo Studio here: federated tracing would only cost bytes on every response.
      ApolloServerPluginInlineTraceDisabled(),
      operationLogPlugin() as ApolloServerPlugin<TContext>,
      subgraphOperations.plugin<TContext>(),
    ],
  });
  await apollo.start();

  mountHealthRoutes(app, options.readiness, () => shuttingDown);
  options.publicRoutes?.(app);

  app.use("/graphql", (req, res, next) => {
    if (secretsMatch(headerValue(req.headers, ROUTER_SECRET_HEADER), options.config.ROUTER_SECRET)) return next();
    res.status(403).json({
      errors: [
        {
          message: "This service accepts calls from the Cartograph router only.",
          extensions: { code: ErrorCode.FORBIDDEN },
        },
      ],
    });
  });

  app.use(
    "/graphql",
    requireAcceptable,
    requireJsonPost,
    graphqlJsonBody(),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestIdFrom(req.headers);
        res.setHeader(REQUEST_ID_HEADER, requestId);
        const requestLog = log.child({ requestId });
        const token = bearerToken(headerValue(req.headers, "authorization"));
        const viewer = token ? await options.verifier.verify(token) : null;
        return options.createContext({ requestId, log: requestLog, viewer });
      },
    }),
  );

  app.use(notFoundAsJson);
  app.use(graphqlHttpErrors(log));

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.config.PORT, options.config.HOST, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${options.config.HOST}:${port}/graphql`;
  log.info({ url }, `${options.service} subgraph ready`);

  return {
    url,
    port,
    stop: async () => {
      shuttingDown = true;
      await apollo.stop();
    },
  };
}
