import { GraphQLError } from "graphql";
import { buildConnection, decodeCursor, encodeCursor, MAX_PAGE_SIZE, parsePageArgs } from "./pagination";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : "not a GraphQLError";
  }
  return "no error";
};

describe("Relay pagination", () => {
  it("defaults first to 20 and accepts 0..100", () => {
    expect(parsePageArgs({}, 2)).toEqual({ limit: 20, after: null });
    expect(parsePageArgs({ first: 0 }, 2).limit).toBe(0);
    expect(parsePageArgs({ first: MAX_PAGE_SIZE }, 2).limit).toBe(100);
  });

  it("refuses more than 100, negatives and fractions with BAD_USER_INPUT", () => {
    for (const first of [101, -1, 2.5]) expect(codeOf(() => parsePageArgs({ first }, 2))).toBe("BAD_USER_INPUT");
  });

  it("round-trips cursors", () => {
    const key = ["2026-01-01T00:00:00.000Z", "usr_1"];
    expect(decodeCursor(encodeCursor(key), 2)).toEqual(key);
  });

  it("refuses malformed or foreign cursors with BAD_USER_INPUT", () => {
    const foreign = Buffer.from(JSON.stringify(["c1", { $gt: 1 }, "x"])).toString("base64url");
    const wrongLength = encodeCursor(["a"]);
    const sqlish = Buffer.from("'; drop table users; --").toString("base64url");
    for (const cursor of ["???", "abc", foreign, wrongLength, sqlish, "a".repeat(600)]) {
      expect(codeOf(() => decodeCursor(cursor, 2))).toBe("BAD_USER_INPUT");
    }
  });

  it("builds a page from limit + 1 rows", () => {
    const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const page = buildConnection(rows, { limit: 2, after: null }, 10, (row) => [row.id]);
    expect(page.nodes.map((n) => n.id)).toEqual(["a", "b"]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(page.pageInfo.endCursor!, 1)).toEqual(["b"]);
    expect(page.totalCount).toBe(10);
    const last = buildConnection(rows.slice(2), { limit: 2, after: ["b"] }, 10, (row) => [row.id]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const empty = buildConnection([], { limit: 2, after: null }, 0, (row: { id: string }) => [row.id]);
    expect(empty.pageInfo).toMatchObject({ startCursor: null, endCursor: null, hasNextPage: false });
  });
});
