import type { ApolloServerPlugin } from "@apollo/server";
import { ErrorCode } from "@cartograph/service-kit";
import { counter } from "@cartograph/service-kit/metrics";
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  type ValueNode,
} from "graphql";
import { LRUCache } from "lru-cache";
import type { RouterContext } from "./context";
import { selectedOperation } from "./operation";
import { intArgumentOf, readSupergraphDirectives } from "./supergraph-directives";

/**
 * Cost-based throttling, as Shopify's API does it: every operation's cost is computed before it
 * runs and drawn from a bucket per client that refills at a steady rate. An object field costs 1,
 * a scalar 0; a field with `first` (or `last`, literal or variable) multiplies what is inside it
 * by that, another list by DEFAULT_LIST_SIZE (a connection's edges and nodes are not multiplied
 * again); a mutation's root field costs 10 more.
 */
export const DEFAULT_LIST_SIZE = 10;

const throttled = counter({
  name: "cartograph_router_throttled_operations_total",
  help: "Operations refused by cost throttling (HTTP 429), by who was paying: a `signed_in` user or an `anonymous` address.",
  labelNames: ["client"],
});
const MUTATION_COST = 10;

function intArgument(value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === "number" ? given : undefined;
  }
  return undefined;
}

/**
 * The subgraphs' corrections to those defaults, federation's demand-control directives:
 * `@listSize(assumedSize: N)` on a list field (how many items it usually holds) and
 * `@cost(weight: N)` on a type or field (what each such object costs instead of 1).
 */
export class CostHints {
  static readonly none = new CostHints(new Map(), new Map(), new Map());

  private constructor(
    private readonly typeWeights: ReadonlyMap<string, number>,
    private readonly fieldWeights: ReadonlyMap<string, number>,
    private readonly listSizes: ReadonlyMap<string, number>,
  ) {}

  static fromSupergraph(supergraphSdl: string): CostHints {
    const declared = readSupergraphDirectives(supergraphSdl, [
      { spec: "cost", directive: "cost" },
      { spec: "cost", directive: "listSize" },
    ]);
    const valuesOf = (uses: ReadonlyMap<string, readonly ConstDirectiveNode[]>, directive: string, argument: string) =>
      new Map(
        [...uses].flatMap(([coordinate, directives]) => {
          const use = directives.find((each) => each.name.value === directive);
          const value = use && intArgumentOf(use, argument);
          return value === undefined ? [] : [[coordinate, value] as const];
        }),
      );
    return new CostHints(
      valuesOf(declared.types, "cost", "weight"),
      valuesOf(declared.fields, "cost", "weight"),
      valuesOf(declared.fields, "listSize", "assumedSize"),
    );
  }

  /** What each object a field returns costs: its own weight, else its type's, else 1. */
  weight(parentType: string, field: string, returnType: string): number {
    return this.fieldWeights.get(`${parentType}.${field}`) ?? this.typeWeights.get(returnType) ?? 1;
  }

  assumedSize(parentType: string, field: string): number | undefined {
    return this.listSizes.get(`${parentType}.${field}`);
  }
}

/** The requested cost of the document's selected operation. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string | null,
  hints: CostHints = CostHints.none,
): number {
  const flat = selectedOperation(document, operationName);
  if (!flat) return 0;
  const typeInfo = new TypeInfo(schema);
  const multipliers: number[] = [1];
  let total = 0;
  let depth = 0;
  const mutation = flat.operation === "mutation";
  visit(
    flat,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          const type = typeInfo.getType();
          const multiplier = multipliers.at(-1)!;
          if (depth === 0 && mutation) total += MUTATION_COST;
          if (!type) {
            multipliers.push(multiplier);
            depth += 1;
            return;
          }
          const list = isListType(getNullableType(type));
          const argument = (name: string) =>
            intArgument(node.arguments?.find((given) => given.name.value === name)?.value, variables);
          const parent = typeInfo.getParentType()?.name ?? "";
          const named = getNamedType(type);
          // A connection's `first` already sized its page: its edges and nodes are that page.
          const withinConnection = parent.endsWith("Connection");
          const size =
            argument("first") ??
            argument("last") ??
            (list ? (hints.assumedSize(parent, node.name.value) ?? (withinConnection ? 1 : DEFAULT_LIST_SIZE)) : 1);
          // A list of objects costs each object it holds; a single object (a connection too) costs 1.
          if (isCompositeType(named))
            total += multiplier * (list ? size : 1) * hints.weight(parent, node.name.value, named.name);
          multipliers.push(multiplier * Math.max(size, 1));
          depth += 1;
        },
        leave() {
          multipliers.pop();
          depth -= 1;
        },
      },
    }),
  );
  // Every operation costs at least a point, or `{ __typename }` could be sent without end.
  return Math.max(total, 1);
}

export interface ThrottleSettings {
  /** Points a client's bucket holds when full. */
  maximumAvailable: number;
  /** Points it gains back each second. */
  restoreRate: number;
}

export interface ThrottleStatus extends ThrottleSettings {
  currentlyAvailable: number;
}

/** A leaky bucket of points per client, in this process (each router replica counts on its own). */
export class CostThrottle {
  private readonly buckets: LRUCache<string, { available: number; at: number }>;

  constructor(
    readonly settings: ThrottleSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new LRUCache({ max: 100_000 });
  }

  private refill(client: string) {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { available: this.settings.maximumAvailable, at: now };
    const refilled = Math.min(
      this.settings.maximumAvailable,
      bucket.available + ((now - bucket.at) / 1000) * this.settings.restoreRate,
    );
    return { available: refilled, at: now };
  }

  /** Takes `cost` points if the client has them; else says when it will. */
  take(
    client: string,
    cost: number,
  ): { allowed: true; status: ThrottleStatus } | { allowed: false; retryAfterSeconds: number; status: ThrottleStatus } {
    const bucket = this.refill(client);
    if (cost > bucket.available) {
      this.buckets.set(client, bucket);
      const retryAfterSeconds = Math.ceil((cost - bucket.available) / this.settings.restoreRate);
      return {
        allowed: false,
        retryAfterSeconds,
        status: { ...this.settings, currentlyAvailable: Math.floor(bucket.available) },
      };
    }
    bucket.available -= cost;
    this.buckets.set(client, bucket);
    return { allowed: true, status: { ...this.settings, currentlyAvailable: Math.floor(bucket.available) } };
  }
}

/** Who pays: the signed-in user, else the client address (forwarded only by configured proxies). */
export function clientOf(context: RouterContext): string {
  return context.viewer ? `user:${context.viewer.userId}` : `ip:${context.clientAddress ?? "unknown"}`;
}

/**
 * Draws each operation's cost from its client's bucket before any subgraph is called: over the
 * limit is HTTP 429, RATE_LIMITED, with Retry-After. Every response says what it cost and what is
 * left in `extensions.cost` (Shopify's shape), and in the `RateLimit-Limit`, `RateLimit-Remaining`
 * and `RateLimit-Reset` (seconds until the bucket is full) headers for whatever sits in between.
 */
export function costThrottlePlugin(
  throttle: CostThrottle,
  hints: CostHints = CostHints.none,
): ApolloServerPlugin<RouterContext> {
  const costs = new LRUCache<string, number>({ max: 10_000 });
  const { maximumAvailable, restoreRate } = throttle.settings;
  return {
    async requestDidStart() {
      let cost: { requestedQueryCost: number; throttleStatus: ThrottleStatus } | undefined;
      return {
        async didResolveOperation(request) {
          const variables = request.request.variables ?? {};
          // The cost reads only numeric variables (a `first`, a `last`): the key holds those alone, not
          // the whole payload, which may be nested deeper than JSON.stringify can follow.
          const sizes = Object.entries(variables).filter(([, value]) => typeof value === "number");
          const key = `${request.queryHash}:${request.operationName ?? ""}:${JSON.stringify(sizes)}`;
          let requested = costs.get(key);
          if (requested === undefined) {
            requested = operationCost(request.schema, request.document, variables, request.operationName, hints);
            costs.set(key, requested);
          }
          const outcome = throttle.take(clientOf(request.contextValue), requested);
          cost = { requestedQueryCost: requested, throttleStatus: outcome.status };
          if (!outcome.allowed) {
            throttled.inc({ client: request.contextValue.viewer ? "signed_in" : "anonymous" });
            throw new GraphQLError(
              `Throttled: this operation costs ${requested} points and ${outcome.status.currentlyAvailable} are available. Retry in ${outcome.retryAfterSeconds} s.`,
              {
                extensions: {
                  code: ErrorCode.RATE_LIMITED,
                  cost,
                  http: { status: 429, headers: new Map([["retry-after", String(outcome.retryAfterSeconds)]]) },
                },
              },
            );
          }
        },
        async willSendResponse(request) {
          if (!cost) return;
          const { body, http } = request.response;
          if (body.kind === "single") body.singleResult.extensions = { ...body.singleResult.extensions, cost };
          const headers = http.headers;
          const remaining = cost.throttleStatus.currentlyAvailable;
          headers.set("ratelimit-limit", String(maximumAvailable));
          headers.set("ratelimit-remaining", String(remaining));
          headers.set("ratelimit-reset", String(Math.ceil((maximumAvailable - remaining) / restoreRate)));
        },
      };
    },
  };
}
