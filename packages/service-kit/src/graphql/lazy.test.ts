import { lazy } from "./pagination";

describe("lazy values", () => {
  it("compute nothing until awaited, then once however often awaited", async () => {
    let runs = 0;
    const count = lazy(async () => {
      runs += 1;
      return 42;
    });
    expect(runs).toBe(0);
    expect(await count).toBe(42);
    expect(await count).toBe(42);
    expect(runs).toBe(1);
  });
});
