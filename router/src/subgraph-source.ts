import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
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
import { counter, gauge, histogram, secondsSince } from "@cartograph/service-kit/metrics";
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  type CircuitBreakerPolicy,
} from "cockatiel";
import { errors as undiciErrors, Pool } from "undici";
import { RetryBudget } from "./retry-budget";
import type { RouterContext } from "./context";

const PASSED_ON_CODES = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.RATE_LIMITED,
]);

/** How a fetch to a subgraph ended, as the metrics tell it. */
type FetchOutcome = "success" | "graphql_error" | "refused" | "failed" | "timeout" | "circuit_open";

// Labelled by subgraph (the supergraph's names): never by operation, which the router's own metrics carry.
const fetches = counter({
  name: "cartograph_router_subgraph_fetches_total",
  help: "Fetches of the query plan to a subgraph: `success`, `graphql_error` (answered with errors), `refused` (401/403 passed on), `failed` (transport error, HTTP 5xx, no GraphQL body), `timeout`, `circuit_open` (failed fast). A joined duplicate counts with the outcome it shared.",
  labelNames: ["subgraph", "outcome"],
});
const fetchDuration = histogram({
  name: "cartograph_router_subgraph_fetch_duration_seconds",
  help: "Time of a fetch to a subgraph, as the query plan waits for it (a retry and a joined duplicate included).",
  labelNames: ["subgraph"],
});
const fetchesDeduplicated = counter({
  name: "cartograph_router_subgraph_fetches_deduplicated_total",
  help: "Query fetches not sent because an identical one was in flight (ROUTER_DEDUP).",
  labelNames: ["subgraph"],
});
const fetchesRetried = counter({
  name: "cartograph_router_subgraph_retries_total",
  help: "Failed query fetches sent again, within the retry budget.",
  labelNames: ["subgraph"],
});
const circuitOpen = gauge({
  name: "cartograph_router_subgraph_circuit_open",
  help: "1 while a subgraph's circuit breaker is open or half-open (its fetches fail fast), else 0.",
  labelNames: ["subgraph"],
});

function failureOutcome(error: unknown): FetchOutcome {
  if (error instanceof BrokenCircuitError) return "circuit_open";
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return "timeout";
  }
  return "failed";
}

/** What a subgraph answered, when it answered with a GraphQL body at all. */
interface SubgraphBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** A subgraph's refusal (401/403 with a coded error in its body): passed on as it is, nothing more. */
function refusalOf(status: number, body: SubgraphBody | null): GraphQLError | null {
  if (status !== 401 && status !== 403) return null;
  const first = body?.errors?.[0];
  const code = first?.extensions?.code;
  if (typeof code !== "string" || !PASSED_ON_CODES.has(code) || typeof first?.message !== "string") return null;
  return new GraphQLError(first.message, { extensions: { code } });
}

export interface SubgraphConnectionOptions {
  /** Keep-alive connections kept open to the subgraph. */
  connections: number;
  /** Requests sent on one connection before their answers (1: no pipelining). */
  pipelining: number;
  /** A hung subgraph costs its fields, not the whole request. */
  timeoutMs: number;
  /** Join identical query fetches in flight (never mutations). */
  dedup: boolean;
  /** Collect the ids of what each answer was built from (for the response cache's tags). */
  tagEntities: boolean;
  /** Consecutive failures that open the subgraph's circuit, and how long it stays open. */
  breakerFailures: number;
  breakerOpenMs: number;
  /** Retries of failed query fetches, as a share of recent requests (0: none). */
  retryRatio: number;
}

/** A subgraph that answered, but as a failing server does: counts against its circuit. */
class SubgraphServerError extends Error {}

interface RawAnswer {
  status: number;
  text: string;
  /** The subgraph's Cache-Control (from its `@cacheControl` hints), if it sent one. */
  cacheControl: string | undefined;
}

/** A subgraph's Cache-Control as a cache hint; no header (or no-store) means not cacheable. */
export function cacheHintOf(header: string | undefined): { maxAge: number; scope?: "PUBLIC" | "PRIVATE" } {
  if (!header) return { maxAge: 0 };
  const directives = header
    .toLowerCase()
    .split(",")
    .map((part) => part.trim());
  if (directives.includes("no-store") || directives.includes("no-cache")) return { maxAge: 0 };
  const maxAge = Number(/(?:^|,)\s*max-age=(\d+)/.exec(header.toLowerCase())?.[1] ?? 0);
  return { maxAge, ...(directives.includes("private") ? { scope: "PRIVATE" as const } : {}) };
}

/**
 * The entities a subgraph answer was built from, as cache tags: every `id` in its data and in
 * the representations it was asked to resolve (Cartograph's ids are unique across types).
 */
export function entityIdsOf(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) entityIdsOf(item, into);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, field] of Object.entries(value)) {
      if (key === "id" && typeof field === "string") into.add(field);
      else if (typeof field === "object" && field !== null) entityIdsOf(field, into);
    }
  }
}

/** Whether this fetch is a query: the gateway prints subgraph operations as `{…}`, `query …` or `mutation …`. */
function isQuery(options: GraphQLDataSourceProcessOptions<RouterContext>): boolean {
  return !/^\s*(mutation|subscription)\b/.test(options.request.query ?? "");
}

/**
 * How the router calls a subgraph: a pool of keep-alive connections per subgraph (undici), the
 * caller's token and request id forwarded, the router credential subgraphs require added. A
 * transport failure is answered with SERVICE_UNAVAILABLE at the paths the fetch would have filled,
 * so no internal URL or socket error reaches a client.
 */
export class SubgraphDataSource implements GraphQLDataSource<RouterContext> {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly inFlight = new Map<string, Promise<RawAnswer>>();
  private readonly dedup: boolean;
  private readonly tagEntities: boolean;
  /**
   * Opens after consecutive failures: then every fetch fails at once, without waiting for a
   * hung subgraph's timeout, until a trial call after `breakerOpenMs` succeeds.
   */
  private readonly breaker: CircuitBreakerPolicy;
  private readonly retries: RetryBudget;
  /** Fetches joined to an identical one in flight, since start. */
  readonly stats = { deduplicated: 0 };

  constructor(
    private readonly subgraphName: string,
    url: string,
    private readonly routerSecret: string,
    private readonly connection: SubgraphConnectionOptions,
    private readonly log: Logger,
  ) {
    this.dedup = connection.dedup;
    this.tagEntities = connection.tagEntities;
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: connection.breakerOpenMs,
      breaker: new ConsecutiveBreaker(connection.breakerFailures),
    });
    this.breaker.onBreak(() => this.log.warn({ subgraph: this.subgraphName }, "subgraph circuit opened: failing fast"));
    this.breaker.onReset(() => this.log.info({ subgraph: this.subgraphName }, "subgraph circuit closed again"));
    circuitOpen.set({ subgraph: subgraphName }, 0);
    this.breaker.onStateChange((state) =>
      circuitOpen.set({ subgraph: subgraphName }, state === CircuitState.Closed ? 0 : 1),
    );
    this.retries = new RetryBudget(connection.retryRatio);
    const target = new URL(url);
    this.path = `${target.pathname}${target.search}`;
    this.pool = new Pool(target.origin, {
      connections: connection.connections,
      pipelining: connection.pipelining,
      keepAliveTimeout: 30_000,
    });
  }

  async process(options: GraphQLDataSourceProcessOptions<RouterContext>): ReturnType<GraphQLDataSource["process"]> {
    const { request, context } = options;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      [ROUTER_SECRET_HEADER]: this.routerSecret,
    };
    if ("requestId" in context && context.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
    if ("accessToken" in context && context.accessToken) headers.authorization = `Bearer ${context.accessToken}`;
    const started = process.hrtime.bigint();
    let outcome: FetchOutcome = "failed";
    try {
      const body = JSON.stringify({
        query: request.query,
        variables: request.variables,
        operationName: request.operationName,
      });
      const query = isQuery(options);
      const send = () => this.guarded(() => this.send(headers, body), query);
      const answer = this.dedup && query ? this.shared(`${headers.authorization ?? ""}\n${body}`, send) : send();
      const { status, text, cacheControl } = await answer;
      // Parsed per caller: the gateway merges into what it receives, so no two requests share objects.
      const parsed = parseBody(text);
      const refusal = refusalOf(status, parsed);
      if (refusal) {
        outcome = "refused";
        throw refusal;
      }
      if (!parsed || (!("data" in parsed) && !parsed.errors)) {
        throw new Error(`${this.subgraphName} answered HTTP ${status} without a GraphQL body`);
      }
      // An HTTP request (subscriptions' event executions have no cache policy): the response is as
      // cacheable as the least cacheable subgraph answer that built it.
      const policy =
        "incomingRequestContext" in options ? options.incomingRequestContext.overallCachePolicy : undefined;
      if (policy) {
        policy.restrict(cacheHintOf(cacheControl));
        if (this.tagEntities) {
          const tags = (context.cacheTags ??= new Set());
          entityIdsOf(request.variables?.representations, tags);
          entityIdsOf(parsed.data, tags);
        }
      }
      outcome = parsed.errors?.length ? "graphql_error" : "success";
      return parsed;
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      outcome = failureOutcome(error);
      const requestId = "requestId" in context ? context.requestId : undefined;
      this.log.error({ err: error, subgraph: this.subgraphName, requestId }, "subgraph call failed");
      // Answered, not thrown: errors at the paths this fetch would have filled, so the gateway
      // nulls only those fields and keeps what the healthy subgraphs returned.
      return { errors: unavailableErrors(options, serviceUnavailable().message) };
    } finally {
      fetches.inc({ subgraph: this.subgraphName, outcome });
      fetchDuration.observe({ subgraph: this.subgraphName }, secondsSince(started));
    }
  }

  /**
   * Through the subgraph's circuit breaker; a failed query (never a mutation) is tried once more
   * when the retry budget allows and the circuit is not open.
   */
  private async guarded(send: () => Promise<RawAnswer>, idempotent: boolean): Promise<RawAnswer> {
    this.retries.recordRequest();
    try {
      return await this.breaker.execute(send);
    } catch (error) {
      if (!idempotent || error instanceof BrokenCircuitError || !this.retries.tryRetry()) throw error;
      fetchesRetried.inc({ subgraph: this.subgraphName });
      return this.breaker.execute(send);
    }
  }

  private async send(headers: Record<string, string>, body: string): Promise<RawAnswer> {
    const response = await this.pool.request({
      path: this.path,
      method: "POST",
      headers,
      body,
      headersTimeout: this.connection.timeoutMs,
      bodyTimeout: this.connection.timeoutMs,
    });
    const cacheControl = response.headers["cache-control"];
    if (response.statusCode === 502 || response.statusCode === 503 || response.statusCode === 504) {
      await response.body.dump();
      throw new SubgraphServerError(`${this.subgraphName} answered HTTP ${response.statusCode}`);
    }
    return {
      status: response.statusCode,
      text: await response.body.text(),
      cacheControl: Array.isArray(cacheControl) ? cacheControl.join(", ") : cacheControl,
    };
  }

  /**
   * In-flight deduplication: an identical fetch (same subgraph, document, variables and caller)
   * already on its way is joined rather than sent again. Queries only, never mutations.
   */
  private shared(key: string, send: () => Promise<RawAnswer>): Promise<RawAnswer> {
    const pending = this.inFlight.get(key);
    if (pending) {
      this.stats.deduplicated += 1;
      fetchesDeduplicated.inc({ subgraph: this.subgraphName });
      return pending;
    }
    const answer = send().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, answer);
    return answer;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function parseBody(text: string): SubgraphBody | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as SubgraphBody) : null;
  } catch {
    return null;
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
