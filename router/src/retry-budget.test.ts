import { RetryBudget } from "./retry-budget";

describe("the retry budget", () => {
  it("allows a share of recent requests, a floor when traffic is low, and forgets old traffic", () => {
    let now = 1_000_000;
    const budget = new RetryBudget(0.1, 1, 10_000, () => now);
    // Low traffic: the floor (1 a second over 10 s) applies.
    expect(Array.from({ length: 12 }, () => budget.tryRetry()).filter(Boolean)).toHaveLength(10);
    now += 11_000;
    for (let i = 0; i < 1000; i++) budget.recordRequest();
    // 1000 requests: 10% of them.
    expect(Array.from({ length: 150 }, () => budget.tryRetry()).filter(Boolean)).toHaveLength(100);
    now += 11_000;
    expect(budget.tryRetry()).toBe(true);
  });
});

describe("a retry budget of ratio 0", () => {
  it("never retries, whatever the traffic", () => {
    const budget = new RetryBudget(0);
    expect(budget.tryRetry()).toBe(false);
    for (let i = 0; i < 1000; i++) budget.recordRequest();
    expect(budget.tryRetry()).toBe(false);
  });
});
