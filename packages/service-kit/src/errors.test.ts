import { GraphQLError } from "graphql";
import pino from "pino";
import { createErrorMasker, forbidden, INTERNAL_ERROR_MESSAGE } from "./errors";

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
