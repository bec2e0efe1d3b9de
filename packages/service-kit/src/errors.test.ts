import { GraphQLError } from "graphql";
import pino from "pino";
import { createErrorMasker, forbidden, INTERNAL_ERROR_MESSAGE } from "./errors";
import { isDependencyUnavailable } from "./unavailable";

const log = pino({ level: "silent" });
const mask = createErrorMasker(log);

describe("error masking", () => {
  it("passes errors with a public code through, without stack traces", () => {
    const error = forbidden();
    const formatted = mask(
      { message: error.message, extensions: { code: "FORBIDDEN", stacktrace: ["at secret.ts:1"] } },
      error,
    );
    expect(formatted).toEqual({ message: error.message, extensions: { code: "FORBIDDEN" } });
  });

  it("masks anything else: SQL, host names and stack traces never reach the client", () => {
    const leak = new Error('relation "users" does not exist at db.internal:5432');
    const formatted = mask(
      { message: leak.message, path: ["me"], extensions: { code: "INTERNAL_SERVER_ERROR", stacktrace: ["x"] } },
      new GraphQLError(leak.message, { originalError: leak }),
    );
    expect(formatted).toEqual({
      message: INTERNAL_ERROR_MESSAGE,
      path: ["me"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
  });

  it("masks errors with an unknown code", () => {
    expect(mask({ message: "boom", extensions: { code: "SOMETHING_ELSE" } }, new Error("boom")).extensions).toEqual({
      code: "INTERNAL_SERVER_ERROR",
    });
  });
});

describe("a datastore out of reach", () => {
  const unavailable = (cause: Error) =>
    mask(
      { message: cause.message, path: ["product", "rating"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      new GraphQLError(cause.message, { originalError: cause }),
    );

  it("is SERVICE_UNAVAILABLE with its path and no host, for PostgreSQL, sockets and MongoDB", () => {
    const restarting = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.7:5432"), { code: "ECONNREFUSED" });
    const wrapped = Object.assign(new Error("Failed query: select 1"), {
      cause: new Error("Connection terminated unexpectedly"),
    });
    const mongo = Object.assign(new Error("Server selection timed out after 5000 ms (mongo.internal:27017)"), {
      name: "MongoServerSelectionError",
    });
    for (const cause of [restarting, refused, wrapped, mongo]) {
      const formatted = unavailable(cause);
      expect(formatted.extensions).toEqual({ code: "SERVICE_UNAVAILABLE" });
      expect(formatted.path).toEqual(["product", "rating"]);
      expect(formatted.message).not.toMatch(/internal|5432|27017|ECONN/);
    }
  });

  it("is SERVICE_UNAVAILABLE for a MongoDB server shutting down and for FerretDB's PostgreSQL restarting", () => {
    const shuttingDown = Object.assign(new Error("interrupted at shutdown"), {
      name: "MongoServerError",
      code: 11600,
    });
    const backendRestarting = Object.assign(
      new Error(
        "[msg_find.go:344 handler.handleMaxTimeMSError] [collection.go:109 postgresql.(*collection).Query] FATAL: terminating connection due to administrator command (SQLSTATE 57P01)",
      ),
      { name: "MongoServerError", code: 1 },
    );
    const backendDown = Object.assign(
      new Error(
        "[collection.go:109 postgresql.(*collection).Query] failed to connect to `user=ferretdb database=ferretdb`: 127.0.0.1:5432 (127.0.0.1): dial error: dial tcp 127.0.0.1:5432: connect: connection refused",
      ),
      { name: "MongoServerError", code: 1 },
    );
    for (const cause of [shuttingDown, backendRestarting, backendDown]) {
      const formatted = unavailable(cause);
      expect(formatted).toEqual({
        message: expect.not.stringMatching(/5432|SQLSTATE|postgresql/),
        path: ["product", "rating"],
        extensions: { code: "SERVICE_UNAVAILABLE" },
      });
    }
    // FerretDB's InternalError for anything else stays a bug to look at.
    const other = Object.assign(new Error("[msg_update.go:131] unexpected type"), {
      name: "MongoServerError",
      code: 1,
    });
    expect(isDependencyUnavailable(other)).toBe(false);
  });

  it("is not claimed for ordinary failures", () => {
    const constraint = Object.assign(new Error("duplicate key value violates unique constraint"), { code: "23505" });
    expect(unavailable(constraint).extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
    expect(isDependencyUnavailable(new Error("boom"))).toBe(false);
    expect(isDependencyUnavailable(Object.assign(new Error("x"), { code: "57P03" }))).toBe(true);
  });
});
