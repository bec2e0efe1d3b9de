import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from "@apollo/gateway";
import { operationFromDocument, Supergraph, type Schema } from "@apollo/federation-internals";
import { QueryPlanner, type QueryPlan } from "@apollo/query-planner";
import { execute, GraphQLError, parse, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { RouterContext } from "../context";

/** The name of the router-owned subgraph in supergraph.yaml (router/events.graphql). */
export const EVENTS_SUBGRAPH = "events";

type GatewayRequestContext = Parameters<typeof executeQueryPlan>[2];
type GatewayResponse = Awaited<ReturnType<GraphQLDataSource["process"]>>;

/** A planned subscription: the events fetch (served locally) then the rest of the plan, run per event. */
export interface SubscriptionPlan {
  document: DocumentNode;
  operationName: string | undefined;
  perEvent: QueryPlan;
  primaryDocument: DocumentNode;
}

export interface Operation {
  document: DocumentNode;
  operationName?: string | undefined;
  variables: Record<string, unknown>;
  context: RouterContext;
}

/**
 * Serves the events graph's root fetch from memory: the primary fetch's own operation is executed
 * against the events subgraph schema with the event as root value, so the data has exactly that
 * fetch's shape (aliases, `__typename`, entity keys) for the rest of the plan to build on.
 */
class EventPayloadSource implements GraphQLDataSource<RouterContext> {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly document: DocumentNode,
    private readonly rootValue: Record<string, unknown>,
  ) {}

  async process({ request }: Parameters<GraphQLDataSource<RouterContext>["process"]>[0]): Promise<GatewayResponse> {
    const result = await execute({
      schema: this.schema,
      document: this.document,
      rootValue: this.rootValue,
      variableValues: request.variables ?? {},
    });
    return {
      data: result.data ?? null,
      ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}),
    };
  }
}

/** What the gateway gets for the events graph: it is never called over HTTP. */
export class UnroutableEventsSource implements GraphQLDataSource {
  async process(): Promise<GatewayResponse> {
    throw new Error(`the "${EVENTS_SUBGRAPH}" subgraph is served by the router's subscriptions, never over HTTP`);
  }
}

const noCache = { get: async () => undefined, set: async () => undefined, delete: async () => true };

/**
 * Runs operations on the supergraph the way the gateway does (its query planner and
 * `executeQueryPlan`), with the router's own data sources, so every subgraph call carries the
 * subscriber's token, the request id and the router credential. `@apollo/gateway` plans
 * subscriptions but refuses to execute them; here the `Subscription` node's primary fetch is
 * answered by the event itself and the rest of the plan runs normally, once per event.
 */
export class SupergraphExecutor {
  readonly apiSchema: GraphQLSchema;
  private readonly api: Schema;
  private readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly eventsSchema: GraphQLSchema | null;

  constructor(
    supergraphSdl: string,
    private readonly dataSources: ReadonlyMap<string, GraphQLDataSource<RouterContext>>,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.api = supergraph.apiSchema();
    this.apiSchema = this.api.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
    this.eventsSchema = supergraph.subgraphs().get(EVENTS_SUBGRAPH)?.schema.toGraphQLJSSchema() ?? null;
  }

  /** Plans a (validated) subscription; throws when its root is not served by the events graph. */
  planSubscription(document: DocumentNode, operationName: string | undefined): SubscriptionPlan {
    const node = this.plan(document, operationName).node;
    if (node?.kind !== "Subscription")
      throw new Error(`expected a Subscription plan, got ${node?.kind ?? "an empty plan"}`);
    const { primary, rest } = node;
    if (primary.serviceName !== EVENTS_SUBGRAPH || !this.eventsSchema) {
      throw new Error(
        `subscription root served by "${primary.serviceName}", not by the router's "${EVENTS_SUBGRAPH}" graph`,
      );
    }
    const perEvent: QueryPlan = {
      kind: "QueryPlan",
      node: rest ? { kind: "Sequence", nodes: [primary, rest] } : primary,
    };
    return { document, operationName, perEvent, primaryDocument: parse(primary.operation) };
  }

  /** One event: the primary fetch answered by `rootValue`, the rest of the plan through the subgraphs. */
  executeEvent(
    plan: SubscriptionPlan,
    rootValue: Record<string, unknown>,
    operation: Omit<Operation, "document" | "operationName">,
  ): Promise<ExecutionResult> {
    const events = new EventPayloadSource(this.eventsSchema!, plan.primaryDocument, rootValue);
    return this.run(
      plan.perEvent,
      { ...operation, document: plan.document, operationName: plan.operationName },
      events,
    );
  }

  /** A query through the subgraphs, as the gateway would run it over HTTP. */
  executeQuery(operation: Operation): Promise<ExecutionResult> {
    const plan = this.plan(operation.document, operation.operationName);
    if (plan.node?.kind === "Subscription") throw new GraphQLError("executeQuery runs queries only");
    return this.run(plan, operation, null);
  }

  private plan(document: DocumentNode, operationName: string | undefined): QueryPlan {
    const operation = operationFromDocument(this.api, document, operationName ? { operationName } : {});
    return this.planner.buildQueryPlan(operation);
  }

  private async run(
    plan: QueryPlan,
    operation: Operation,
    events: EventPayloadSource | null,
  ): Promise<ExecutionResult> {
    const serviceMap: ServiceMap = Object.create(null);
    for (const [name, source] of this.dataSources) if (name !== EVENTS_SUBGRAPH) serviceMap[name] = source;
    if (events) serviceMap[EVENTS_SUBGRAPH] = events;
    const operationContext = buildOperationContext({
      schema: this.apiSchema,
      operationDocument: operation.document,
      operationName: operation.operationName,
    });
    const requestContext = {
      request: {
        variables: operation.variables,
        ...(operation.operationName ? { operationName: operation.operationName } : {}),
      },
      context: operation.context,
      logger: operation.context.log,
      schema: this.apiSchema,
      document: operation.document,
      operation: operationContext.operation,
      operationName: operation.operationName ?? null,
      source: "",
      queryHash: "",
      cache: noCache,
      metrics: {},
      overallCachePolicy: undefined,
    } as unknown as GatewayRequestContext;
    const result = await executeQueryPlan(
      plan,
      serviceMap,
      requestContext,
      operationContext,
      this.supergraphSchema,
      this.api,
    );
    // A fetch that threw (not a subgraph's error response) lands in `errors` as it was thrown.
    const errors = result.errors?.map((error: unknown) =>
      error instanceof GraphQLError
        ? error
        : new GraphQLError("Internal server error", { originalError: error as Error }),
    );
    return errors ? { ...result, errors } : result;
  }
}
