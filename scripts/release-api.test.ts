import { isLaterVersion } from "./release-api";

describe("pnpm api:release: the version must have been raised", () => {
  it("compares x.y.z versions by number, not as text", () => {
    expect(isLaterVersion("0.2.0", "0.1.0")).toBe(true);
    expect(isLaterVersion("0.10.0", "0.9.3")).toBe(true);
    expect(isLaterVersion("1.0.0", "0.99.99")).toBe(true);
    expect(isLaterVersion("0.1.0", "0.1.0")).toBe(false);
    expect(isLaterVersion("0.1.0", "0.2.0")).toBe(false);
    expect(() => isLaterVersion("0.2", "0.1.0")).toThrow('"0.2" is not a version (x.y.z)');
  });
});
