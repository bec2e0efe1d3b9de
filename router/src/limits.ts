import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { GraphQLError } from "graphql";
import type { RouterConfig } from "./config";
import { LIMIT_EXTENSION } from "./errors";

/**
 * Depth, cost, alias, directive and token limits (graphql-armor), checked at the router before
 * any subgraph is called. Rejections are tagged so the error formatter reports them as
 * OPERATION_TOO_COMPLEX.
 */
export function operationLimits(config: RouterConfig) {
  const tag = (_context: unknown, error: GraphQLError) => {
    (error.extensions as Record<string, unknown>)[LIMIT_EXTENSION] = true;
  };
  const limit = { onReject: [tag], propagateOnRejection: true };
  const armor = new ApolloArmor({
    costLimit: { ...limit, maxCost: config.MAX_QUERY_COST },
    maxDepth: { ...limit, n: config.MAX_QUERY_DEPTH },
    maxAliases: { ...limit, n: config.MAX_ALIASES },
    maxDirectives: { ...limit, n: 50 },
    maxTokens: { ...limit, n: config.MAX_TOKENS },
    // Suggestions ("did you mean …") help people in Sandbox; in production they map the schema for attackers.
    blockFieldSuggestion: { enabled: config.NODE_ENV === "production" },
  });
  return armor.protect();
}
