import { isLeftover, LEFTOVER_AFTER_MS, uniqueStamp } from "./stamp";

describe("test names that say when they were made", () => {
  it("tells a killed run's leftovers from names a run beside this one is using", () => {
    const now = Date.now();
    const fresh = `test.smoke.0.${uniqueStamp()}.orders.checkout.retry`;
    expect(isLeftover(fresh, now)).toBe(false);
    expect(isLeftover(`t_orders_w1_${uniqueStamp()}`, now)).toBe(false);
    expect(isLeftover(fresh, now + LEFTOVER_AFTER_MS + 1_000)).toBe(true);
  });

  it("counts names from before the stamp as leftovers", () => {
    expect(isLeftover("test.orders.1.0a1b2c3d.orders.checkout")).toBe(true);
    expect(isLeftover("t_orders_w1_0a1b2c3d")).toBe(true);
  });
});
