import { readManifest } from "@cartograph/client/trusted-documents";
import { SDK_MANIFESTS, TrustedDocuments } from "./trusted-documents";

const [current, ...releases] = SDK_MANIFESTS.map(readManifest);
const released = releases.flatMap((release) => release.operations);

describe("the router's trusted documents", () => {
  const trusted = TrustedDocuments.load("only");

  it("are this SDK's operations and those of every release still supported", () => {
    expect(releases.length).toBeGreaterThan(0);
    const ids = new Set([...current!.operations, ...released].map((operation) => operation.id));
    expect(trusted.size).toBe(ids.size);
    for (const operation of current!.operations)
      expect(trusted.resolve({ documentId: `sha256:${operation.id}` })).toBe(operation.body);
  });

  it("still answer an app built on a released SDK whose operation has changed since", () => {
    const currentIds = new Set(current!.operations.map((operation) => operation.id));
    const changed = released.filter((operation) => !currentIds.has(operation.id));
    // The 0.1.0 release's CartApplyCoupon, for one, had no cart id yet.
    expect(changed.map((operation) => operation.name)).toContain("CartApplyCoupon");
    for (const operation of changed)
      expect(trusted.resolve({ extensions: { persistedQuery: { version: 1, sha256Hash: operation.id } } })).toBe(
        operation.body,
      );
    expect(() => trusted.resolve({ documentId: `sha256:${"0".repeat(64)}` })).toThrow(
      "No trusted document has this id.",
    );
  });

  it("refuse to start from a manifest whose text does not hash to its id", () => {
    const [first] = current!.operations;
    expect(
      () =>
        new TrustedDocuments(
          [
            {
              format: "apollo-persisted-query-manifest",
              version: 1,
              operations: [{ ...first!, type: "query", body: `${first!.body} ` }],
            },
          ],
          "only",
        ),
    ).toThrow(`trusted document ${first!.id}: its text does not hash to its id`);
  });
});
