import { trustedDocumentId } from "@cartograph/client/trusted-documents";
import { type AllowedChange, compareApiSchemas, formatReport } from "./check-api-changes";

const released = /* GraphQL */ `
  type Query {
    product(id: ID!): Product
    products(first: Int): [Product!]!
  }

  type Product {
    id: ID!
    title: String!
    name: String! @deprecated(reason: "Use title.")
  }
`;

const removal = (path: string, extra: Partial<AllowedChange> = {}): AllowedChange => ({
  path,
  reason: "Nobody has used it since the 0.1.0 SDK.",
  since: "2025-01-31",
  ...extra,
});

describe("pnpm check:api (the released API schema against the current one)", () => {
  test("the same schema passes with no changes", async () => {
    const report = await compareApiSchemas(released, released, []);
    expect(report).toEqual({ changes: [], stale: [], releasedDocuments: 0, brokenDocuments: [], ok: true });
    expect(formatReport(report)).toContain("no changes");
  });

  test("a removed field that was not deprecated fails, saying to deprecate it first", async () => {
    const report = await compareApiSchemas(released, released.replace("title: String!", ""), []);
    expect(report.ok).toBe(false);
    const [change] = report.changes;
    expect(change).toMatchObject({ level: "BREAKING", type: "FIELD_REMOVED", path: "Product.title" });
    expect(change?.problem).toMatch(/deprecate it first/);
    expect(formatReport(report)).toMatch(
      /BREAKING \(1\):\n {2}Product\.title: .*\n {4}NOT ALLOWED: .*deprecate it first/,
    );
  });

  test("removing a deprecated field still fails without an allowlist entry, and says so", async () => {
    const current = released.replace('name: String! @deprecated(reason: "Use title.")', "");
    const report = await compareApiSchemas(released, current, []);
    expect(report.ok).toBe(false);
    expect(report.changes[0]?.problem).toMatch(/was deprecated.*api-changes\.allowed\.json/);
  });

  test("deprecating a field and keeping it passes", async () => {
    const current = released.replace("title: String!", 'title: String! @deprecated(reason: "Use name.")');
    const report = await compareApiSchemas(released, current, []);
    expect(report.ok).toBe(true);
    expect(report.changes.map((change) => change.level)).not.toContain("BREAKING");
    expect(report.changes.map((change) => change.path)).toContain("Product.title.@deprecated");
  });

  test("an added optional argument and a new type pass", async () => {
    const current = released
      .replace("products(first: Int)", "products(first: Int, after: String)")
      .concat("\ntype Review { id: ID! }\nextend type Product { reviews: [Review!]! }\n");
    const report = await compareApiSchemas(released, current, []);
    expect(report.ok).toBe(true);
    expect(report.changes.map(({ type, path }) => `${type} ${path}`).sort()).toEqual([
      "FIELD_ADDED Product.reviews",
      "FIELD_ADDED Review.id",
      "FIELD_ARGUMENT_ADDED Query.products.after",
      "TYPE_ADDED Review",
    ]);
    expect(formatReport(report)).toMatch(/DANGEROUS \(1\):[\s\S]*NON_BREAKING \(3\):/);
  });

  test("an added required argument fails", async () => {
    const current = released.replace("products(first: Int)", "products(first: Int, category: ID!)");
    const report = await compareApiSchemas(released, current, []);
    expect(report.ok).toBe(false);
    expect(report.changes).toEqual([
      expect.objectContaining({ level: "BREAKING", path: "Query.products.category", problem: expect.any(String) }),
    ]);
  });

  test("an allowlisted removal passes, with or without the change type", async () => {
    const current = released.replace("title: String!", "");
    for (const entry of [removal("Product.title"), removal("Product.title", { type: "FIELD_REMOVED" })]) {
      const report = await compareApiSchemas(released, current, [entry]);
      expect(report.ok).toBe(true);
      expect(report.changes[0]?.allowedBy).toEqual(entry);
      expect(formatReport(report)).toContain("allowed since 2025-01-31: Nobody has used it");
    }
  });

  test("an allowlist entry of another change type does not allow the change", async () => {
    const current = released.replace("title: String!", "");
    const report = await compareApiSchemas(released, current, [removal("Product.title", { type: "TYPE_REMOVED" })]);
    expect(report.ok).toBe(false);
    expect(report.stale).toHaveLength(1);
  });

  test("a stale allowlist entry (no such breaking change) fails", async () => {
    const report = await compareApiSchemas(released, released, [removal("Product.title")]);
    expect(report.ok).toBe(false);
    expect(report.stale).toEqual([removal("Product.title")]);
    expect(formatReport(report)).toMatch(/STALE allowlist entry Product\.title: .*remove it from/);
  });

  test("an invalid allowlist entry (empty reason) fails naming its index", async () => {
    const entries = [removal("Product.title"), { path: "Product.name", reason: " ", since: "2025-01-31" }];
    await expect(compareApiSchemas(released, released, entries)).rejects.toThrow(
      /entry 1 \(Product\.name\), reason: reason .* must not be empty/,
    );
  });

  test("an allowlist that is not an array, an unknown key or an unknown change type is named", async () => {
    await expect(compareApiSchemas(released, released, {})).rejects.toThrow(/must be a JSON array/);
    await expect(compareApiSchemas(released, released, [{ ...removal("A.b"), note: "x" }])).rejects.toThrow(
      /entry 0 \(A\.b\): .*note/,
    );
    await expect(compareApiSchemas(released, released, [removal("A.b", { type: "GONE" })])).rejects.toThrow(
      /entry 0 \(A\.b\), type: type must be a change type/,
    );
  });

  describe("the released SDK's operations (the router still trusts them)", () => {
    const operation = (name: string, body: string) => ({ id: trustedDocumentId(body), name, type: "query", body });
    const release = (version: string, ...operations: Array<ReturnType<typeof operation>>) => ({
      version,
      manifest: { format: "apollo-persisted-query-manifest", version: 1, operations },
    });
    const byName = operation("ProductName", "query ProductName($id: ID!) { product(id: $id) { id name } }");
    const byTitle = operation("ProductTitle", "query ProductTitle($id: ID!) { product(id: $id) { title } }");

    test("pass while each still validates, and the count is printed", async () => {
      const report = await compareApiSchemas(
        released,
        released,
        [],
        [release("0.1.0", byName), release("0.2.0", byName, byTitle)],
      );
      expect(report).toMatchObject({ ok: true, releasedDocuments: 3, brokenDocuments: [] });
      expect(formatReport(report)).toContain("the supported SDK releases' 3 operations all validate against it");
    });

    test("fail when a change, even an allowlisted one, breaks one of them, naming it and the error", async () => {
      const withoutName = released.replace(/ {4}name: String! @deprecated\(reason: "Use title."\)\n/, "");
      const report = await compareApiSchemas(
        released,
        withoutName,
        [removal("Product.name")],
        [release("0.1.0", byName, byTitle), release("0.2.0", byTitle)],
      );
      expect(report.changes.every((change) => change.problem === undefined)).toBe(true);
      expect(report.ok).toBe(false);
      expect(report.brokenDocuments).toEqual([
        {
          release: "0.1.0",
          name: "ProductName",
          id: byName.id,
          errors: ['Cannot query field "name" on type "Product".'],
        },
      ]);
      expect(formatReport(report)).toMatch(
        /RELEASED DOCUMENT ProductName of 0\.1\.0 \([0-9a-f]{12}\) fails against .*Cannot query field "name".*retire the release \(delete packages\/client\/src\/released\/0\.1\.0\.json\)\n.*1 released document\(s\) broken/,
      );
    });

    test("fail on an operation whose text is not what its id says, and on a file that is no manifest", async () => {
      const tampered = { ...byTitle, body: byTitle.body.replace("title", "id") };
      const report = await compareApiSchemas(released, released, [], [release("0.1.0", tampered)]);
      expect(report.brokenDocuments).toEqual([
        { release: "0.1.0", name: "ProductTitle", id: byTitle.id, errors: ["its text does not hash to its id"] },
      ]);
      await expect(
        compareApiSchemas(released, released, [], [{ version: "0.1.0", manifest: { operations: "none" } }]),
      ).rejects.toThrow(/released\/0\.1\.0\.json is not a persisted query manifest/);
    });
  });
});
