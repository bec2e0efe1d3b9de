import { startShelfRouter, type ShelfRouter } from "./shelf-router";

/**
 * The router enforces the supergraph's @authenticated and @requiresScopes before calling any
 * subgraph: withheld fields are never sent, come back null (or null their nearest nullable
 * parent), and carry an error at their path; the rest of the operation runs.
 */
let shelf: ShelfRouter;
beforeAll(async () => {
  shelf = await startShelfRouter();
});
afterAll(() => shelf?.close());
beforeEach(() => {
  shelf.calls.length = 0;
});

const sentToSubgraph = () => shelf.calls.map((call) => call.query).join("\n");
const coded = (code: string, path: Array<string | number>) =>
  expect.objectContaining({ path, extensions: { code } }) as unknown;

describe("authorization at the router", () => {
  it("withholds what a stranger may not see, and runs the rest", async () => {
    const { status, body } = await shelf.post({ query: "{ shelf { id cost } ledger { owner } }" });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { shelf: [{ id: "1", cost: null }], ledger: null },
      errors: [coded("UNAUTHENTICATED", ["shelf", 0, "cost"]), coded("UNAUTHENTICATED", ["ledger"])],
    });
    expect(sentToSubgraph()).toContain("shelf");
    expect(sentToSubgraph()).not.toMatch(/cost|ledger/);
  });

  it("a customer lacking a scope gets FORBIDDEN; a withheld non-null field nulls its parent", async () => {
    const customer = shelf.tokens.customer();
    expect((await shelf.post({ query: "{ ledger { owner audit } }" }, customer)).body).toEqual({
      data: { ledger: { owner: "the shop", audit: null } },
      errors: [coded("FORBIDDEN", ["ledger", "audit"])],
    });
    expect((await shelf.post({ query: "{ ledger { owner total } }" }, customer)).body).toEqual({
      data: { ledger: null },
      errors: [coded("FORBIDDEN", ["ledger"])],
    });
    expect(sentToSubgraph()).not.toMatch(/audit|total/);
  });

  it("finds withheld fields inside fragments and under aliases, and leaves no trace of what it took out", async () => {
    const customer = shelf.tokens.customer();
    const query = "query Shelf { a: shelf { ...Card } b: shelf { c: cost } } fragment Card on Item { id c: cost }";
    expect((await shelf.post({ query, operationName: "Shelf" }, customer)).body).toEqual({
      data: { a: [{ id: "1", c: null }], b: [{ c: null }] },
      errors: [coded("FORBIDDEN", ["a", 0, "c"]), coded("FORBIDDEN", ["b", 0, "c"])],
    });
  });

  it("a withheld non-null root field makes the whole answer null, and nothing is called", async () => {
    const { body } = await shelf.post({ query: "{ vault shelf { id } }" }, shelf.tokens.customer());
    expect(body).toEqual({ data: null, errors: [coded("FORBIDDEN", [])] });
    expect(shelf.calls).toEqual([]);
  });

  it("refuses a mutation before it reaches the subgraph", async () => {
    expect((await shelf.post({ query: "mutation { clearShelf }" })).body).toEqual({
      data: { clearShelf: null },
      errors: [coded("UNAUTHENTICATED", ["clearShelf"])],
    });
    expect((await shelf.post({ query: "mutation { clearShelf }" }, shelf.tokens.customer())).body).toEqual({
      data: { clearShelf: null },
      errors: [coded("FORBIDDEN", ["clearShelf"])],
    });
    expect(shelf.calls).toEqual([]);
  });

  it("lets an admin see and do everything", async () => {
    const admin = shelf.tokens.admin();
    expect((await shelf.post({ query: "{ shelf { cost } ledger { total audit } vault }" }, admin)).body).toEqual({
      data: { shelf: [{ cost: 7 }], ledger: { total: 42, audit: "clean" }, vault: "gold" },
    });
    expect((await shelf.post({ query: "mutation { clearShelf }" }, admin)).body).toEqual({ data: { clearShelf: 0 } });
  });
});
