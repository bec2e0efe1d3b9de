import { createHash } from "node:crypto";
import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from "@apollo/server-gateway-interface";
import { ErrorCode, forbidden, unauthenticated } from "@cartograph/service-kit";
import type { Viewer } from "@cartograph/service-kit/auth";
import {
  getNamedType,
  GraphQLError,
  isCompositeType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  print,
  visit,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { LRUCache } from "lru-cache";
import { selectedOperation } from "./operation";
import { readSupergraphDirectives } from "./supergraph-directives";

/**
 * Authorization at the router, as Apollo Router does it: the subgraphs declare `@authenticated`
 * and `@requiresScopes` (a viewer's roles are its scopes), composition carries them into the
 * supergraph, and before any subgraph is called the fields the viewer may not see are taken out
 * of the operation. The rest runs; each field taken out comes back null (or makes its nearest
 * nullable parent null, as any failing non-null field does) with an UNAUTHENTICATED or FORBIDDEN
 * error at its path. The subgraphs check again (defence in depth), and keep the checks only they
 * can make: whose order it is.
 */

/** Alternatives of scopes: the viewer needs every scope of at least one of them. */
type Scopes = ReadonlyArray<ReadonlyArray<string>>;

/** What one type or field asks of a viewer. */
interface Requirement {
  authenticated: boolean;
  scopes: Scopes | null;
}

function scopesOf(directive: ConstDirectiveNode): Scopes {
  const value = directive.arguments?.find((argument) => argument.name.value === "scopes")?.value;
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((alternative) =>
    alternative.kind === Kind.LIST
      ? alternative.values.flatMap((scope) => (scope.kind === Kind.STRING ? [scope.value] : []))
      : [],
  );
}

/** The requirements a supergraph declares, by type and by `Type.field`. */
export class AccessRules {
  private constructor(
    private readonly types: ReadonlyMap<string, Requirement>,
    private readonly fields: ReadonlyMap<string, Requirement>,
  ) {}

  static fromSupergraph(supergraphSdl: string): AccessRules {
    const declared = readSupergraphDirectives(supergraphSdl, [
      { spec: "authenticated", directive: "authenticated" },
      { spec: "requiresScopes", directive: "requiresScopes" },
    ]);
    const requirementOf = (directives: readonly ConstDirectiveNode[]): Requirement => ({
      authenticated: directives.some((directive) => directive.name.value === "authenticated"),
      scopes: ((use) => (use ? scopesOf(use) : null))(
        directives.find((directive) => directive.name.value === "requiresScopes"),
      ),
    });
    const each = (uses: ReadonlyMap<string, readonly ConstDirectiveNode[]>) =>
      new Map([...uses].map(([coordinate, directives]) => [coordinate, requirementOf(directives)]));
    return new AccessRules(each(declared.types), each(declared.fields));
  }

  /** Every protected type and `Type.field`, sorted: what an authorization test must cover. */
  protectedNames(): string[] {
    return [...this.types.keys(), ...this.fields.keys()].sort();
  }

  get isEmpty(): boolean {
    return this.types.size === 0 && this.fields.size === 0;
  }

  /** What a field asks: its own requirement and that of the type it returns. */
  requirementsOf(parentType: string, fieldName: string, returnType: string): Requirement[] {
    return [this.fields.get(`${parentType}.${fieldName}`), this.types.get(returnType)].filter(
      (requirement): requirement is Requirement => requirement !== undefined,
    );
  }
}

/**
 * @apollo/gateway refuses a supergraph that links a SECURITY feature it does not enforce; this
 * router enforces these two itself, so the gateway is given them as plain links.
 */
export function supergraphForGateway(supergraphSdl: string): string {
  return supergraphSdl.replace(
    /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+"(?:, as: "\w+")?), for: SECURITY\)/g,
    "$1)",
  );
}

type Denied = typeof ErrorCode.UNAUTHENTICATED | typeof ErrorCode.FORBIDDEN;

function deniedBy(requirements: readonly Requirement[], viewer: Viewer | null): Denied | null {
  for (const { authenticated, scopes } of requirements) {
    if ((authenticated || scopes) && !viewer) return ErrorCode.UNAUTHENTICATED;
    if (scopes && !scopes.some((alternative) => alternative.every((scope) => viewer!.roles.includes(scope as never))))
      return ErrorCode.FORBIDDEN;
  }
  return null;
}

/** One field on the way from the root to a place in the response. */
interface Step {
  node: FieldNode;
  /** Its response key (the alias, if any). */
  key: string;
  nullable: boolean;
}

/** Where null goes for a field taken out, and why. */
interface Withheld {
  code: Denied;
  /** Response keys from the root to the field that becomes null. */
  keys: string[];
}

/** What a viewer may run of an operation: `null` when all of it. */
interface Authorized {
  document: DocumentNode;
  /** Identifies the rewritten document for the gateway's query plan cache. */
  queryHash: string;
  withheld: Withheld[];
  /** A non-null root field was withheld: the whole response is null. */
  dataIsNull: boolean;
}

/** Stands in for a selection set left empty, so the document stays valid; removed from the answer. */
const PLACEHOLDER = "withheld_placeholder__";

function authorize(
  schema: GraphQLSchema,
  rules: AccessRules,
  operation: OperationDefinitionNode,
  viewer: Viewer | null,
): Authorized | null {
  const withheld: Array<{ code: Denied; steps: Step[] }> = [];
  const walk = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, path: Step[]) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (condition && isCompositeType(condition)) walk(selection.selectionSet, condition, path);
        continue;
      }
      if (selection.kind !== Kind.FIELD) continue;
      if (!isObjectType(parentType) && !isInterfaceType(parentType)) continue; // unions: only __typename
      const definition = parentType.getFields()[selection.name.value];
      if (!definition) continue; // __typename, or validation's business
      const type: GraphQLOutputType = definition.type;
      const named = getNamedType(type);
      const step: Step = {
        node: selection,
        key: selection.alias?.value ?? selection.name.value,
        nullable: !isNonNullType(type),
      };
      const code = deniedBy(rules.requirementsOf(parentType.name, definition.name, named.name), viewer);
      if (code) {
        withheld.push({ code, steps: [...path, step] });
        continue;
      }
      if (selection.selectionSet && isCompositeType(named)) walk(selection.selectionSet, named, [...path, step]);
    }
  };
  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return null;
  walk(operation.selectionSet, root, []);
  if (withheld.length === 0) return null;

  // A withheld non-null field makes its nearest nullable parent null, as GraphQL does with errors.
  const removed = new Set<FieldNode>();
  let dataIsNull = false;
  const places: Withheld[] = [];
  for (const { code, steps } of withheld) {
    let at = steps.length - 1;
    while (at >= 0 && !steps[at]!.nullable) at -= 1;
    if (at < 0) {
      dataIsNull = true;
      continue;
    }
    removed.add(steps[at]!.node);
    places.push({ code, keys: steps.slice(0, at + 1).map((step) => step.key) });
  }
  if (dataIsNull) places.length = 0;
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      visit(operation, {
        Field: (node) => (removed.has(node) ? null : undefined),
        SelectionSet: {
          leave: (node) =>
            node.selections.length > 0
              ? undefined
              : {
                  ...node,
                  selections: [
                    {
                      kind: Kind.FIELD,
                      alias: { kind: Kind.NAME, value: PLACEHOLDER },
                      name: { kind: Kind.NAME, value: "__typename" },
                    },
                  ],
                },
        },
      }),
    ],
  };
  return {
    document,
    queryHash: createHash("sha256").update(print(document)).digest("hex"),
    withheld: dataIsNull ? withheld.map(({ code }) => ({ code, keys: [] })) : places,
    dataIsNull,
  };
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Sets `keys`' last to null wherever the path leads (through lists), returning each place. */
function nullify(data: JsonObject, keys: readonly string[]): Array<Array<string | number>> {
  const places: Array<Array<string | number>> = [];
  const descend = (value: unknown, depth: number, path: Array<string | number>) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => descend(item, depth, [...path, index]));
      return;
    }
    if (!isObject(value)) return; // a parent that is itself null: nothing to withhold below it
    const key = keys[depth]!;
    if (depth === keys.length - 1) {
      value[key] = null;
      places.push([...path, key]);
      return;
    }
    descend(value[key], depth + 1, [...path, key]);
  };
  descend(data, 0, []);
  return places;
}

function withoutPlaceholders(value: unknown): void {
  if (Array.isArray(value)) value.forEach(withoutPlaceholders);
  else if (isObject(value)) {
    delete value[PLACEHOLDER];
    Object.values(value).forEach(withoutPlaceholders);
  }
}

const MAX_ERRORS_PER_FIELD = 10;

/** The router's words, told apart from a subgraph's own refusals ("… to do this."). */
export const WITHHELD_MESSAGES = {
  UNAUTHENTICATED: "Sign in to see this.",
  FORBIDDEN: "You are not allowed to see this.",
} as const;

function errorFor(code: Denied, path: ReadonlyArray<string | number>): GraphQLError {
  const error =
    code === ErrorCode.UNAUTHENTICATED
      ? unauthenticated(WITHHELD_MESSAGES.UNAUTHENTICATED)
      : forbidden(WITHHELD_MESSAGES.FORBIDDEN);
  return new GraphQLError(error.message, { path, extensions: error.extensions });
}

/** The answer of the rewritten operation, with the withheld fields null and an error at each. */
function completed(result: GatewayExecutionResult, authorized: Authorized): GatewayExecutionResult {
  const errors: GraphQLError[] = [];
  if (authorized.dataIsNull) {
    const codes = new Set(authorized.withheld.map((withheld) => withheld.code));
    for (const code of codes) errors.push(errorFor(code, []));
    return { data: null, errors: [...errors, ...(result.errors ?? [])] };
  }
  const data = result.data;
  if (isObject(data)) {
    withoutPlaceholders(data);
    for (const { code, keys } of authorized.withheld) {
      for (const place of nullify(data, keys).slice(0, MAX_ERRORS_PER_FIELD)) errors.push(errorFor(code, place));
    }
  }
  return { ...result, errors: [...errors, ...(result.errors ?? [])] };
}

/** The viewer's class, as far as authorization can tell viewers apart. */
const classOf = (viewer: Viewer | null) => (viewer ? [...viewer.roles].sort().join(",") || "signed-in" : "anonymous");

/**
 * The gateway, with every operation authorized before it is planned: what a viewer may not see is
 * never sent to a subgraph. Rewritten operations are remembered per document and class of viewer.
 */
export function authorizingGateway(
  gateway: GatewayInterface,
  rules: AccessRules,
  viewerOf: (context: GatewayGraphQLRequestContext["context"]) => Viewer | null,
): GatewayInterface {
  if (rules.isEmpty) return gateway;
  const remembered = new LRUCache<string, Authorized | "all">({ max: 5_000 });
  const authorizing =
    (executor: GatewayExecutor, schema: () => GraphQLSchema): GatewayExecutor =>
    async (requestContext) => {
      const viewer = viewerOf(requestContext.context);
      const key = `${requestContext.queryHash}\n${requestContext.operationName ?? ""}\n${classOf(viewer)}`;
      let authorized = remembered.get(key);
      if (authorized === undefined) {
        const operation = selectedOperation(requestContext.document, requestContext.operationName);
        authorized = (operation && authorize(schema(), rules, operation, viewer)) ?? "all";
        remembered.set(key, authorized);
      }
      if (authorized === "all") return executor(requestContext);
      if (authorized.dataIsNull) return completed({}, authorized);
      const operation = authorized.document.definitions[0] as OperationDefinitionNode;
      const result = await executor({
        ...requestContext,
        document: authorized.document,
        operation,
        queryHash: authorized.queryHash,
      });
      return completed(result, authorized);
    };
  return {
    async load(options) {
      let schema: GraphQLSchema | undefined;
      gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
        schema = apiSchema;
        remembered.clear();
      });
      const loaded = await gateway.load(options);
      const apiSchema = () => {
        if (!schema) throw new Error("the gateway loaded without announcing its schema");
        return schema;
      };
      return { ...loaded, executor: loaded.executor && authorizing(loaded.executor, apiSchema) };
    },
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
  };
}
