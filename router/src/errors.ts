import type { ApolloServerPlugin } from "@apollo/server";
import { createErrorMasker, ErrorCode, type Logger } from "@cartograph/service-kit";
import { GraphQLError, type GraphQLFormattedError } from "graphql";

/** Marks graphql-armor's rejections so they surface as OPERATION_TOO_COMPLEX, not a validation error. */
export const LIMIT_EXTENSION = "cartographLimit";

// graphql-js's wording ("more that" in 16.x) when the `maxTokens` parse option stops a document.
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens/;

// What a client may see in `extensions`; anything else (subgraph responses, URLs, which service
// answered) is dropped: the service layout is nobody's business outside.
const PUBLIC_EXTENSIONS = new Set(["code", "argument", "reason", "cost"]);

export function createRouterErrorFormatter(log: Logger) {
  const mask = createErrorMasker(log);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (formatted.extensions?.[LIMIT_EXTENSION] || TOKEN_LIMIT_MESSAGE.test(formatted.message)) {
      return {
        message: formatted.message.replace(/^Syntax Error: /, ""),
        extensions: { code: ErrorCode.OPERATION_TOO_COMPLEX },
      };
    }
    if (isUncodedClientError(error)) {
      return { message: formatted.message, extensions: { code: ErrorCode.BAD_REQUEST } };
    }
    const masked = mask(formatted, error);
    const extensions = Object.fromEntries(
      Object.entries(masked.extensions ?? {}).filter(([key]) => PUBLIC_EXTENSIONS.has(key)),
    );
    return { ...masked, extensions };
  };
}

/**
 * Apollo Server refuses some malformed requests (a persisted query version it does not know, an
 * APQ hash that does not match the text) with a 4xx status but no code: the client's mistake, not
 * a bug to mask as INTERNAL_SERVER_ERROR.
 */
function isUncodedClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

/**
 * An `operationName` that names no operation of the document (or none given for a document of
 * several) is refused before execution, as over WebSocket: the gateway would throw on it, a 500.
 */
export const operationResolutionPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation) return;
        throw new GraphQLError("Unable to identify the operation to run: name it with operationName.", {
          extensions: { code: "OPERATION_RESOLUTION_FAILURE", http: { status: 400 } },
        });
      },
    };
  },
};
