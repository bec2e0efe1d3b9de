import { withRelease } from "./release-api";

const operation = (name: string, id: string) => ({ id, name, type: "query", body: `query ${name} { __typename }` });
const manifest = (...operations: Array<ReturnType<typeof operation>>) => ({
  format: "apollo-persisted-query-manifest" as const,
  version: 1 as const,
  operations,
});

describe("pnpm api:release: the released SDKs' operations", () => {
  it("keep every released operation, add the new release's, and list none twice", () => {
    const released = manifest(operation("Cart", "c1"), operation("Product", "p1"));
    const release = manifest(operation("Product", "p1"), operation("Cart", "c2"), operation("Account", "a1"));
    expect(withRelease(released, release).operations.map(({ name, id }) => `${name}:${id}`)).toEqual([
      "Account:a1",
      "Cart:c1",
      "Cart:c2",
      "Product:p1",
    ]);
  });
});
