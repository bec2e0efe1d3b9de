import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import { ErrorCode } from "../errors";
import { counter, histogram, secondsSince } from "./registry";

/** What is known of a request once it is answered (nothing of it when it could not be parsed or validated). */
export interface AnsweredOperation {
  /** Set only once the document parsed and validated against the schema. */
  operation?: OperationDefinitionNode;
  operationName?: string | null;
  document?: DocumentNode;
}

export interface OperationMetricsOptions<L extends string> {
  /** `cartograph_router` or `cartograph_subgraph`: names `<prefix>_operations_total` and its siblings. */
  prefix: string;
  /** Labels with bounded values only: never an id, a variable or the document's text. */
  labelNames: readonly L[];
  labelsOf: (answered: AnsweredOperation) => Record<L, string>;
}

export interface OperationMetrics<L extends string> {
  /** Counts and times every request Apollo Server answers. */
  plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext>;
  /** Counts a request refused before Apollo Server saw it (with the code it was refused with). */
  recordRefusal(labels: Record<L, string>, code: unknown, durationSeconds: number): void;
}

// The codes a client can get (API.md), and Apollo Server's own for malformed requests; any other is `OTHER`.
const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/** An error code as a label value: one of a fixed set. */
export function errorCodeLabel(code: unknown): string {
  return typeof code === "string" && KNOWN_CODES.has(code) ? code : "OTHER";
}

/** `query`, `mutation`, `subscription`, or `unknown` before the document is valid. */
export function operationTypeLabel(answered: AnsweredOperation): string {
  return answered.operation?.operation ?? "unknown";
}

function rootFieldNames(
  selectionSet: SelectionSetNode,
  document: DocumentNode | undefined,
  into: Set<string>,
  seen = new Set<string>(),
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      into.add(selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      rootFieldNames(selection.selectionSet, document, into, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document?.definitions.find(
        (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) rootFieldNames(fragment.selectionSet, document, into, seen);
    }
  }
}

/**
 * The root field a (validated) operation selects, when it selects one (aliases aside), else
 * `multiple`; `unknown` before the document is valid. Bounded by the schema, whatever clients send.
 */
export function rootFieldLabel(answered: AnsweredOperation): string {
  if (!answered.operation) return "unknown";
  const names = new Set<string>();
  rootFieldNames(answered.operation.selectionSet, answered.document, names);
  if (names.size > 1) names.delete("__typename");
  return names.size === 1 ? [...names][0]! : "multiple";
}

/**
 * Rate, errors and duration of GraphQL operations, shared by the router (labelled by trusted
 * operation name) and the subgraphs (labelled by root field):
 * `<prefix>_operations_total{…, outcome}`, `<prefix>_operation_errors_total{…, code}` and
 * `<prefix>_operation_duration_seconds{…}`.
 */
export function operationMetrics<L extends string>({
  prefix,
  labelNames,
  labelsOf,
}: OperationMetricsOptions<L>): OperationMetrics<L> {
  const operations = counter<L | "outcome">({
    name: `${prefix}_operations_total`,
    help: "GraphQL operations answered; outcome `error` when the response carries any error.",
    labelNames: [...labelNames, "outcome"],
  });
  const errors = counter<L | "code">({
    name: `${prefix}_operation_errors_total`,
    help: "GraphQL operations answered with errors, by error code (each code once per response).",
    labelNames: [...labelNames, "code"],
  });
  const duration = histogram<L>({
    name: `${prefix}_operation_duration_seconds`,
    help: "Time from receiving a GraphQL operation to sending its response.",
    labelNames,
  });

  const record = (labels: Record<L, string>, codes: ReadonlySet<string>, seconds: number) => {
    operations.inc({ ...labels, outcome: codes.size > 0 ? "error" : "success" });
    for (const code of codes) errors.inc({ ...labels, code });
    duration.observe(labels, seconds);
  };

  return {
    plugin: () => ({
      async requestDidStart() {
        const started = process.hrtime.bigint();
        return {
          async willSendResponse(request) {
            const { body } = request.response;
            const answered = body.kind === "single" ? body.singleResult : body.initialResult;
            const codes = new Set((answered.errors ?? []).map((error) => errorCodeLabel(error.extensions?.code)));
            record(labelsOf(request), codes, secondsSince(started));
          },
        };
      },
    }),
    recordRefusal: (labels, code, seconds) => record(labels, new Set([errorCodeLabel(code)]), seconds),
  };
}
