import { ErrorCode, forbidden, serviceUnavailable, unauthenticated, type Logger } from "@cartograph/service-kit";
import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type ValidationRule,
} from "graphql";
import { collectFields } from "graphql/execution/collectFields";
import type { RouterContext } from "../context";
import type { SupergraphExecutor, SubscriptionPlan } from "./executor";
import type { SubscriptionField } from "./fields";

/** A subscription that passed every check, ready to be fed. */
export interface PreparedSubscription {
  fieldName: string;
  field: SubscriptionField;
  key: string;
  plan: SubscriptionPlan;
  variables: Record<string, unknown>;
  context: RouterContext;
}

export interface PrepareOptions {
  executor: SupergraphExecutor;
  fields: Readonly<Record<string, SubscriptionField>>;
  validationRules: readonly ValidationRule[];
  maxTokens: number;
  /** Production hides "Did you mean …" suggestions, as graphql-armor does over HTTP. */
  hideSuggestions: boolean;
  log: Logger;
}

export interface SubscribeRequest {
  query: string;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
  /** `persistedQuery` names a trusted document instead of sending its text. */
  extensions?: Record<string, unknown> | null | undefined;
}

const withCode = (error: GraphQLError, code: string, message = error.message) =>
  new GraphQLError(message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    extensions: { ...error.extensions, code },
  });

/**
 * Everything before a subscriber gets its first event: parse and validate against the API
 * schema with the HTTP limits, plan, read the key argument, and authorize the subscriber
 * through the owning subgraph. Returns GraphQL errors (sent as the protocol's `error` message)
 * instead of throwing, so nothing here closes the socket.
 */
export async function prepareSubscription(
  request: SubscribeRequest,
  context: RouterContext,
  options: PrepareOptions,
): Promise<PreparedSubscription | GraphQLError[]> {
  const { executor } = options;
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: options.maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError) return [withCode(error, ErrorCode.GRAPHQL_PARSE_FAILED)];
    throw error;
  }
  const validationErrors = validate(executor.apiSchema, document, [...specifiedRules, ...options.validationRules]);
  if (validationErrors.length > 0) {
    const hide = (message: string) =>
      options.hideSuggestions ? message.replace(/Did you mean ".+"\?/g, "[Suggestion hidden]").trim() : message;
    return validationErrors.map((error) => withCode(error, ErrorCode.GRAPHQL_VALIDATION_FAILED, hide(error.message)));
  }
  const operationName = request.operationName ?? undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation)
    return [
      new GraphQLError("Unable to identify the operation to run: name it with operationName.", {
        extensions: { code: "OPERATION_RESOLUTION_FAILURE" },
      }),
    ];
  if (operation.operation !== "subscription") {
    return [
      new GraphQLError(
        "Only subscriptions are served over WebSocket: send queries and mutations over HTTP to this same URL.",
        { extensions: { code: "BAD_REQUEST" } },
      ),
    ];
  }
  const subscriptionType = executor.apiSchema.getSubscriptionType();
  // graphql-js 16 does not validate the operation type itself.
  if (!subscriptionType)
    return [
      new GraphQLError("This API has no subscriptions.", {
        nodes: operation,
        extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED },
      }),
    ];
  const coerced = getVariableValues(executor.apiSchema, operation.variableDefinitions ?? [], request.variables ?? {}, {
    maxErrors: 20,
  });
  if (coerced.errors) return coerced.errors.map((error) => withCode(error, ErrorCode.BAD_USER_INPUT));

  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  // Validation (single root field) guarantees exactly one entry.
  const [fieldNode] =
    [
      ...collectFields(
        executor.apiSchema,
        fragments,
        coerced.coerced,
        subscriptionType,
        operation.selectionSet,
      ).values(),
    ][0] ?? [];
  const fieldName = fieldNode?.name.value;
  const field = fieldName ? options.fields[fieldName] : undefined;
  const fieldDef = fieldName ? subscriptionType.getFields()[fieldName] : undefined;
  if (!fieldNode || !fieldName || !field || !fieldDef) {
    options.log.error(
      { fieldName },
      "a subscription field of the supergraph has no entry in the router's subscription table",
    );
    return [serviceUnavailable("This subscription is not available right now.")];
  }
  if (field.key === "viewer" && !context.viewer) return [unauthenticated("Sign in to subscribe to this.")];
  const key =
    field.key === "viewer"
      ? (context.viewer?.userId ?? "")
      : String(getArgumentValues(fieldDef, fieldNode, coerced.coerced)[field.key.argument]);
  const plan = executor.planSubscription(document, operationName);

  const denied = await authorize(field, key, context, options);
  if (denied) return denied;
  return { fieldName, field, key, plan, variables: request.variables ?? {}, context };
}

/** Null when the subscriber may follow `key`; else the errors to send. */
async function authorize(
  field: SubscriptionField,
  key: string,
  context: RouterContext,
  options: PrepareOptions,
): Promise<GraphQLError[] | null> {
  if (!field.authorize && !field.ownerOf) return null;
  if (!context.viewer) return [unauthenticated("Sign in to subscribe to this.")];
  if (!field.authorize) return null;
  const { query, field: resultField, variables, forbiddenMessage } = field.authorize;
  const result = await options.executor.executeQuery({ document: parse(query), variables: variables(key), context });
  const codes = new Set((result.errors ?? []).map((error) => error.extensions.code));
  if (codes.has(ErrorCode.UNAUTHENTICATED)) return [unauthenticated("Your access token was refused. Sign in again.")];
  if (codes.has(ErrorCode.FORBIDDEN)) return [forbidden(forbiddenMessage)];
  if (result.data?.[resultField] != null) return null;
  // A failure (a subgraph down) is passed on to be masked; a plain null is someone else's or nothing.
  if (result.errors?.length) return [...result.errors];
  return [forbidden(forbiddenMessage)];
}
