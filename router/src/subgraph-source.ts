import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import {
  ErrorCode,
  REQUEST_ID_HEADER,
  ROUTER_SECRET_HEADER,
  serviceUnavailable,
  type Logger,
} from "@cartograph/service-kit";
import {
  GraphQLError,
  Kind,
  parse,
  type DocumentNode,
  type GraphQLFormattedError,
  type SelectionSetNode,
} from "graphql";
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
      // Answered, not thrown: errors at the paths this fetch would have filled, so the gateway
      // nulls only those fields and keeps what the healthy subgraphs returned.
      return { errors: unavailableErrors(options, serviceUnavailable().message) };
    }
  }
}

/** The response keys a selection set asks for (through inline fragments), `__typename` aside. */
function responseKeys(selectionSet: SelectionSetNode): string[] {
  const keys = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== "__typename") keys.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      for (const key of responseKeys(selection.selectionSet)) keys.add(key);
    }
  }
  return [...keys];
}

/**
 * One SERVICE_UNAVAILABLE error per field the failed fetch was asked for, with the path the gateway
 * maps into the client's response: `[field]` for a root fetch, `["_entities", i, field]` for each
 * entity of an entity fetch.
 */
export function unavailableErrors(
  options: Pick<GraphQLDataSourceProcessOptions<RouterContext>, "request"> & { document?: DocumentNode },
  message: string,
): GraphQLFormattedError[] {
  const extensions = { code: ErrorCode.SERVICE_UNAVAILABLE };
  let document = options.document;
  try {
    document ??= parse(options.request.query ?? "");
  } catch {
    return [{ message, extensions }];
  }
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [{ message, extensions }];
  const errors: GraphQLFormattedError[] = [];
  for (const root of operation.selectionSet.selections) {
    if (root.kind !== Kind.FIELD) continue;
    const rootKey = root.alias?.value ?? root.name.value;
    const representations = options.request.variables?.representations;
    if (root.name.value === "_entities" && Array.isArray(representations) && root.selectionSet) {
      const fields = responseKeys(root.selectionSet);
      representations.forEach((_representation, index) => {
        for (const field of fields) errors.push({ message, path: [rootKey, index, field], extensions });
      });
    } else if (rootKey !== "__typename") {
      errors.push({ message, path: [rootKey], extensions });
    }
  }
  return errors.length > 0 ? errors : [{ message, extensions }];
}
