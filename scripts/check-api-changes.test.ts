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
    expect(report).toEqual({ changes: [], stale: [], ok: true });
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
});
