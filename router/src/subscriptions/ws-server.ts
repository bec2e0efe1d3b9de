import { randomUUID } from "node:crypto";
import type http from "node:http";
import { ErrorCode, serviceUnavailable, type Logger } from "@cartograph/service-kit";
import { type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { GraphQLError, type ExecutionArgs, type GraphQLFormattedError } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { authenticate, type RouterContext } from "../context";

type Connection = Pick<RouterContext, "viewer" | "accessToken">;

export interface WebSocketServerOptions {
  httpServer: http.Server;
  path: string;
  log: Logger;
  verifier: AccessTokenVerifier;
  /** The router's error formatter: masks what clients must not see, exactly as over HTTP. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /**
   * Checks and starts one subscription for a connection: GraphQL errors to send, or execution
   * arguments whose `contextValue` is the stream of results (graphql-ws's `subscribe` pulls it).
   */
  subscribe: (
    request: {
      query: string;
      operationName?: string | null;
      variables?: Record<string, unknown> | null;
      extensions?: Record<string, unknown> | null;
    },
    context: RouterContext,
  ) => Promise<GraphQLError[] | ExecutionArgs>;
  /** The browser origins allowed to open a socket (like CORS); a socket without Origin is no browser's. */
  allowedOrigin: (origin: string) => boolean;
  limits: WebSocketLimits;
  closeGraceMs?: number;
}

export interface WebSocketLimits {
  /** A message larger than this closes the socket (1009). */
  maxMessageBytes: number;
  /** A socket that has not sent `connection_init` by then is closed (4408). */
  connectionInitTimeoutMs: number;
  /** Live subscriptions one socket may hold, and one signed-in user across all sockets. */
  maxSubscriptionsPerConnection: number;
  maxSubscriptionsPerUser: number;
  /** How often each socket is pinged; one that has not answered the previous ping is dropped. */
  keepAliveMs: number;
}

const tooMany = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.RATE_LIMITED } });

export interface RouterWebSocketServer {
  connections(): number;
  /** Closes every socket with 1001 (going away), then stops accepting upgrades. */
  close(): Promise<void>;
}

/** `authorization`, `Authorization`, or `headers.authorization` in `connectionParams`, as "Bearer …". */
export function authorizationFrom(params: Record<string, unknown> | undefined): string | undefined {
  const headers = params?.headers;
  const candidates = [
    params?.authorization,
    params?.Authorization,
    typeof headers === "object" && headers ? (headers as Record<string, unknown>).authorization : undefined,
  ];
  return candidates.find((value): value is string => typeof value === "string" && value.length > 0);
}

/**
 * graphql-ws (the `graphql-transport-ws` protocol) on the router's HTTP server, on the same path
 * as Apollo Server's HTTP handler, so Sandbox and the SDK find subscriptions at `/graphql`.
 * The token is verified once, at `connection_init`: a bad one closes the socket with 4403 and
 * the reason; no token is an anonymous connection.
 */
export function attachWebSocketServer(options: WebSocketServerOptions): RouterWebSocketServer {
  const { log } = options;
  const { limits } = options;
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: limits.maxMessageBytes,
    // Cross-site WebSocket hijacking: a page on another origin must not ride a user's session.
    verifyClient: ({ origin }: { origin?: string }) => !origin || options.allowedOrigin(origin),
  });
  const connections = new WeakMap<object, Connection>();
  // Live subscription ids per socket, and counts per signed-in user across sockets.
  const subscriptionsOf = new WeakMap<object, Set<string>>();
  const perUser = new Map<string, number>();
  const release = (ctx: object, id: string) => {
    const ids = subscriptionsOf.get(ctx);
    if (!ids?.delete(id)) return;
    const userId = connections.get(ctx)?.viewer?.userId;
    if (userId) {
      const left = (perUser.get(userId) ?? 1) - 1;
      if (left > 0) perUser.set(userId, left);
      else perUser.delete(userId);
    }
  };
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));
  let closing = false;

  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        if (closing) {
          ctx.extra.socket.close(1001, "The router is shutting down. Reconnect shortly.");
          return false;
        }
        try {
          connections.set(ctx, await authenticate(authorizationFrom(ctx.connectionParams), options.verifier));
          return true;
        } catch (error) {
          if (!(error instanceof GraphQLError))
            log.error({ err: error }, "could not verify a WebSocket connection's token");
          const reason =
            error instanceof GraphQLError
              ? error.message
              : "The access token could not be verified. Try again shortly.";
          ctx.extra.socket.close(CloseCode.Forbidden, reason);
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connections.get(ctx);
        if (!connection) return [serviceUnavailable("This connection is not ready. Reconnect.")];
        const ids = subscriptionsOf.get(ctx) ?? new Set<string>();
        subscriptionsOf.set(ctx, ids);
        if (ids.size >= limits.maxSubscriptionsPerConnection) {
          return [tooMany(`At most ${limits.maxSubscriptionsPerConnection} subscriptions per connection.`)];
        }
        const userId = connection.viewer?.userId;
        if (userId && (perUser.get(userId) ?? 0) >= limits.maxSubscriptionsPerUser) {
          return [tooMany(`At most ${limits.maxSubscriptionsPerUser} subscriptions per user.`)];
        }
        ids.add(id);
        if (userId) perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
        const requestId = randomUUID();
        const context: RouterContext = { requestId, log: log.child({ requestId, subscriptionId: id }), ...connection };
        try {
          const subscribed = await options.subscribe(payload, context);
          if (Array.isArray(subscribed)) release(ctx, id);
          return subscribed;
        } catch (error) {
          release(ctx, id);
          // A bug or a broken dependency: logged and masked by the formatter, never a closed socket.
          return [
            error instanceof GraphQLError
              ? error
              : new GraphQLError("Internal server error", { originalError: error as Error }),
          ];
        }
      },
      // The stream was made by `options.subscribe`; graphql-ws pulls it and calls return() when done.
      subscribe: (args) => args.contextValue as AsyncIterableIterator<never>,
      onComplete: (ctx, id) => release(ctx, id),
      onClose: (ctx) => {
        for (const id of [...(subscriptionsOf.get(ctx) ?? [])]) release(ctx, id);
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
    // graphql-ws pings every socket this often and drops one that did not answer the last ping.
    limits.keepAliveMs,
  );

  return {
    connections: () => wss.clients.size,
    close: async () => {
      closing = true;
      const graceMs = options.closeGraceMs ?? 5_000;
      await Promise.all(
        [...wss.clients].map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.readyState === socket.CLOSED) return resolve();
              const timer = setTimeout(() => {
                socket.terminate();
                resolve();
              }, graceMs);
              socket.once("close", () => {
                clearTimeout(timer);
                resolve();
              });
              socket.close(1001, "The router is shutting down. Reconnect shortly.");
            }),
        ),
      );
      await disposable.dispose();
    },
  };
}
