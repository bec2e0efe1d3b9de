import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import {
  ErrorCode,
  REQUEST_ID_HEADER,
  ROUTER_SECRET_HEADER,
  serviceUnavailable,
  type Logger,
} from "@cartograph/service-kit";
import { GraphQLError } from "graphql";
import type { RouterContext } from "./context";

const PASSED_ON_CODES = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.RATE_LIMITED,
]);

function refusalOf(error: unknown): GraphQLError | null {
  const body =
    error instanceof GraphQLError ? (error.extensions.response as { body?: unknown } | undefined)?.body : undefined;
  const first = (body as { errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> } | undefined)
    ?.errors?.[0];
  const code = first?.extensions?.code;
  if (typeof code !== "string" || !PASSED_ON_CODES.has(code) || typeof first?.message !== "string") return null;
  return new GraphQLError(first.message, { extensions: { code } });
}

/**
 * How the router calls a subgraph: forwards the caller's token and request id, adds the router
 * credential subgraphs require, and turns transport failures into SERVICE_UNAVAILABLE so no
 * internal URL or socket error reaches a client.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    private readonly subgraphName: string,
    url: string,
    private readonly routerSecret: string,
    timeoutMs: number,
    private readonly log: Logger,
  ) {
    // Node's fetch with a deadline: a hung subgraph costs its fields, not the whole request.
    super({
      url,
      fetcher: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    headers.set(ROUTER_SECRET_HEADER, this.routerSecret);
    if ("requestId" in context && context.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
    if ("accessToken" in context && context.accessToken) headers.set("authorization", `Bearer ${context.accessToken}`);
  }

  override async process(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): ReturnType<RemoteGraphQLDataSource["process"]> {
    try {
      return await super.process(options);
    } catch (error) {
      if (
        error instanceof GraphQLError &&
        typeof error.extensions.code === "string" &&
        !("response" in error.extensions)
      )
        throw error;
      // A subgraph that refused the request (401/403) says why in its body: pass that on, nothing more.
      const refusal = refusalOf(error);
      if (refusal) throw refusal;
      const requestId = "requestId" in options.context ? options.context.requestId : undefined;
      this.log.error({ err: error, subgraph: this.subgraphName, requestId }, "subgraph call failed");
      throw serviceUnavailable(`The ${this.subgraphName} service is unavailable. Try again shortly.`);
    }
  }
}
