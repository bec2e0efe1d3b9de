import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import type { Logger } from "../logger";
import { ErrorCode } from "../errors";

/**
 * The HTTP edge of a GraphQL endpoint, answered the GraphQL-over-HTTP way: whatever goes wrong
 * before GraphQL runs (a body that is not JSON, too large, of a type we do not read, a response
 * type nobody can be given) is a JSON error with a code and the right status, never Express's
 * HTML page with a stack trace.
 */

/** What a GraphQL client may be answered with (GraphQL over HTTP), or a browser opening Sandbox. */
const ACCEPTABLE = [
  "application/graphql-response+json",
  "application/json",
  "text/html",
  "*/*",
  "application/*",
  "text/*",
];

export function graphqlError(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** JSON bodies up to `limit`, the only kind a GraphQL POST may have here. */
export function graphqlJsonBody(limit = "1mb"): RequestHandler {
  return express.json({ limit, type: ["application/json", "application/graphql+json"], strict: true });
}

/** 406 when the client accepts nothing we can answer in. */
export const requireAcceptable: RequestHandler = (req, res, next) => {
  const accept = req.headers.accept;
  if (!accept) return next();
  const types = accept.split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
  if (types.some((type) => ACCEPTABLE.includes(type))) return next();
  res
    .status(406)
    .json(graphqlError(ErrorCode.NOT_ACCEPTABLE, "Accept application/graphql-response+json or application/json."));
};

/** 415 for a POST whose body is not JSON (a form, text, or none declared). */
export const requireJsonPost: RequestHandler = (req, res, next) => {
  if (req.method !== "POST") return next();
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type === "application/graphql+json") return next();
  res.status(415).json(graphqlError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the request as application/json."));
};

const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  "entity.parse.failed": { status: 400, code: ErrorCode.BAD_REQUEST, message: "The request body is not valid JSON." },
  "entity.too.large": { status: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: "The request body is too large." },
  "encoding.unsupported": {
    status: 415,
    code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    message: "This content encoding is not supported.",
  },
  "charset.unsupported": { status: 415, code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: "Send the body in UTF-8." },
  "request.aborted": { status: 400, code: ErrorCode.BAD_REQUEST, message: "The request was aborted." },
  "request.size.invalid": { status: 400, code: ErrorCode.BAD_REQUEST, message: "The request body is incomplete." },
};

/** Last in the chain: any error becomes a coded JSON answer; the unexpected ones are logged and masked. */
export function graphqlHttpErrors(log: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const type = (error as { type?: unknown }).type;
    const known = typeof type === "string" ? BODY_ERRORS[type] : undefined;
    if (res.headersSent) return;
    if (known) {
      res.status(known.status).json(graphqlError(known.code, known.message));
      return;
    }
    // The body parser marks the rest of the client's faults with a 4xx status but no type (a body
    // that does not inflate as its Content-Encoding says): still the client's, not a bug of ours.
    const status = (error as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      res.status(status).json(graphqlError(ErrorCode.BAD_REQUEST, "The request body could not be read."));
      return;
    }
    log.error({ err: error }, "unexpected error at the HTTP edge");
    res.status(500).json(graphqlError(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error"));
  };
}

/** A JSON 404 instead of Express's HTML page, for any path nothing answered. */
export const notFoundAsJson: RequestHandler = (_req, res) => {
  res.status(404).json(graphqlError(ErrorCode.NOT_FOUND, "Nothing is served at this path. GraphQL is at /graphql."));
};
