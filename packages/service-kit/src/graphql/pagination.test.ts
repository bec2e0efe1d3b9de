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

const forward = (limit: number, after: string[] | null) => ({ limit, after, before: null, backward: false });
const backward = (limit: number, before: string[] | null) => ({ limit, after: null, before, backward: true });

describe("Relay pagination", () => {
  it("defaults first to 20 and accepts 0..100", () => {
    expect(parsePageArgs({}, 2)).toEqual({ limit: 20, after: null, before: null, backward: false });
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
    const page = buildConnection(rows, forward(2, null), 10, (row) => [row.id]);
    expect(page.nodes.map((n) => n.id)).toEqual(["a", "b"]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(page.pageInfo.endCursor!, 1)).toEqual(["b"]);
    expect(page.totalCount).toBe(10);
    const last = buildConnection(rows.slice(2), forward(2, ["b"]), 10, (row) => [row.id]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const empty = buildConnection([], forward(2, null), 0, (row: { id: string }) => [row.id]);
    expect(empty.pageInfo).toMatchObject({ startCursor: null, endCursor: null, hasNextPage: false });
  });

  it("reads last/before backward: defaults, limits, and the cursor named in errors", () => {
    const before = encodeCursor(["2026-01-01T00:00:00.000Z", "usr_1"]);
    expect(parsePageArgs({ last: 5, before }, 2)).toEqual({
      limit: 5,
      after: null,
      before: ["2026-01-01T00:00:00.000Z", "usr_1"],
      backward: true,
    });
    expect(parsePageArgs({ before }, 2)).toMatchObject({ limit: 20, backward: true });
    expect(parsePageArgs({ last: 3 }, 2)).toEqual({ limit: 3, after: null, before: null, backward: true });
    for (const last of [101, -1, 1.5]) expect(codeOf(() => parsePageArgs({ last }, 2))).toBe("BAD_USER_INPUT");
    expect(codeOf(() => parsePageArgs({ before: "???" }, 2))).toBe("BAD_USER_INPUT");
  });

  it("refuses both directions at once", () => {
    const cursor = encodeCursor(["a", "b"]);
    for (const args of [
      { first: 1, last: 1 },
      { after: cursor, before: cursor },
      { first: 2, before: cursor },
    ])
      expect(codeOf(() => parsePageArgs(args, 2))).toBe("BAD_USER_INPUT");
  });

  it("puts a backward page's rows, read last-first, back in the list's order", () => {
    // The list is a, b, c, d, e; the last 2 before "e" are c, d, read as d, c, plus b to say more.
    const page = buildConnection([{ id: "d" }, { id: "c" }, { id: "b" }], backward(2, ["e"]), 5, (row) => [row.id]);
    expect(page.nodes.map((n) => n.id)).toEqual(["c", "d"]);
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    expect(decodeCursor(page.pageInfo.startCursor!, 1)).toEqual(["c"]);
    // The list's start reached (no extra row), from its very end (no cursor).
    const first = buildConnection([{ id: "b" }, { id: "a" }], backward(2, null), 2, (row) => [row.id]);
    expect(first.nodes.map((n) => n.id)).toEqual(["a", "b"]);
    expect(first.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
  });
});
