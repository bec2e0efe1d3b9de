import { createErrorMasker, ErrorCode, type Logger } from "@cartograph/service-kit";
import type { GraphQLFormattedError } from "graphql";

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
    const masked = mask(formatted, error);
    const extensions = Object.fromEntries(
      Object.entries(masked.extensions ?? {}).filter(([key]) => PUBLIC_EXTENSIONS.has(key)),
    );
    return { ...masked, extensions };
  };
}
