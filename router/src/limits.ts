import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type ValidationContext } from "graphql";
import type { RouterConfig } from "./config";
import { LIMIT_EXTENSION } from "./errors";

/**
 * Depth, cost, alias and directive limits (graphql-armor validation rules), checked at the router
 * before any subgraph is called. Each rejection is reported once, tagged so the error formatter
 * turns it into OPERATION_TOO_COMPLEX. The token limit is graphql-js's own `maxTokens` parse
 * option (see server.ts): armor's token plugin would relabel every syntax error as a validation error.
 */
export function operationLimits(config: RouterConfig) {
  const reportLimit = (context: ValidationContext | null, error: GraphQLError) => {
    context?.reportError(
      new GraphQLError(error.message.replace(/^Syntax Error: /, ""), { extensions: { [LIMIT_EXTENSION]: true } }),
    );
  };
  const limit = { onReject: [reportLimit], propagateOnRejection: false };
  const armor = new ApolloArmor({
    costLimit: { ...limit, maxCost: config.MAX_QUERY_COST },
    maxDepth: { ...limit, n: config.MAX_QUERY_DEPTH },
    maxAliases: { ...limit, n: config.MAX_ALIASES },
    maxDirectives: { ...limit, n: 50 },
    maxTokens: { enabled: false },
    // Suggestions ("did you mean …") help people in Sandbox; in production they map the schema for attackers.
    blockFieldSuggestion: { enabled: config.NODE_ENV === "production" },
  });
  return armor.protect();
}
