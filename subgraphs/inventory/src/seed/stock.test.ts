import { demoStockFor } from "./stock";

describe("demo stock", () => {
  const ids = Array.from({ length: 4000 }, (_, i) => `var_demo_${i}`);

  it("is the same for a variant on every run, between 0 and 60", () => {
    for (const id of ids.slice(0, 50)) expect(demoStockFor(id)).toBe(demoStockFor(id));
    const all = ids.map(demoStockFor);
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(60);
    expect(all.every((n) => Number.isInteger(n))).toBe(true);
  });

  it("leaves roughly one variant in twenty out of stock, so the demo shows it", () => {
    const zeros = ids.map(demoStockFor).filter((n) => n === 0).length / ids.length;
    expect(zeros).toBeGreaterThan(0.03);
    expect(zeros).toBeLessThan(0.07);
  });
});
