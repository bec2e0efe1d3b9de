import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { isDependencyUnavailable } from "./unavailable";

/** Top-level error codes of the public contract (API.md). Nothing else reaches a client. */
export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  NOT_FOUND: "NOT_FOUND",
  RATE_LIMITED: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  GRAPHQL_VALIDATION_FAILED: "GRAPHQL_VALIDATION_FAILED",
  GRAPHQL_PARSE_FAILED: "GRAPHQL_PARSE_FAILED",
  OPERATION_TOO_COMPLEX: "OPERATION_TOO_COMPLEX",
  /** A trusted document id the router does not know. */
  PERSISTED_QUERY_NOT_FOUND: "PERSISTED_QUERY_NOT_FOUND",
  /** Document text sent with an id it does not hash to. */
  PERSISTED_QUERY_HASH_MISMATCH: "PERSISTED_QUERY_HASH_MISMATCH",
  /** The router runs trusted documents only, and the request sent none. */
  TRUSTED_DOCUMENT_REQUIRED: "TRUSTED_DOCUMENT_REQUIRED",
  /** The HTTP request itself is wrong (a body that is not JSON, a GET mutation, no query). */
  BAD_REQUEST: "BAD_REQUEST",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  NOT_ACCEPTABLE: "NOT_ACCEPTABLE",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const publicCodes = new Set<string>(Object.values(ErrorCode));
// Apollo Server's own codes for malformed requests are the client's fault, and safe to show.
const clientRequestCodes = new Set(["PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE", "BAD_REQUEST"]);

function codedError(
  code: ErrorCode,
  message: string,
  httpStatus?: number,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, ...extra, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
  });
}

export const unauthenticated = (message = "You must be signed in to do this.") =>
  codedError(ErrorCode.UNAUTHENTICATED, message);
/**
 * Why a token was refused, in `extensions.reason`, for clients to act on: TOKEN_EXPIRED means
 * "refresh and retry"; anything else means "sign in again".
 */
export type TokenProblem = "TOKEN_EXPIRED" | "TOKEN_INVALID" | "KEYS_UNAVAILABLE";

export const invalidToken = (
  message = "The access token is invalid or has expired.",
  reason: TokenProblem = "TOKEN_INVALID",
) => codedError(ErrorCode.UNAUTHENTICATED, message, 401, { reason });
export const forbidden = (message = "You are not allowed to do this.") => codedError(ErrorCode.FORBIDDEN, message);
export const notFound = (message: string) => codedError(ErrorCode.NOT_FOUND, message);
export const badUserInput = (message: string, argument?: string) =>
  codedError(ErrorCode.BAD_USER_INPUT, message, undefined, argument ? { argument } : {});
export const rateLimited = (message: string) => codedError(ErrorCode.RATE_LIMITED, message);
export const serviceUnavailable = (message = "A service this request needs is unavailable. Try again shortly.") =>
  codedError(ErrorCode.SERVICE_UNAVAILABLE, message);

export const INTERNAL_ERROR_MESSAGE = "Internal server error";

/**
 * Apollo Server `formatError`: errors with a public code pass through unchanged; a datastore or
 * the broker out of reach becomes SERVICE_UNAVAILABLE (retryable); anything else (a bug, a driver
 * error carrying SQL, a host name) is logged in full and replaced by a masked
 * INTERNAL_SERVER_ERROR so nothing internal leaks.
 */
export function createErrorMasker(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (
      typeof code === "string" &&
      (publicCodes.has(code) || clientRequestCodes.has(code)) &&
      code !== ErrorCode.INTERNAL_SERVER_ERROR
    ) {
      // Drop any stack trace Apollo attached; keep the message, path and code.
      const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    if (isDependencyUnavailable(original)) {
      // A datastore or the broker is down or restarting: retryable, and no host or driver named.
      log.warn({ err: original, path: formatted.path }, "a dependency is unavailable");
      return {
        message: serviceUnavailable().message,
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    log.error({ err: original, path: formatted.path }, "unexpected error while executing an operation");
    return {
      message: INTERNAL_ERROR_MESSAGE,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
