/**
 * How many retries a subgraph may be sent: a share of the requests of the last few seconds (and a
 * few a second when traffic is low), so retries cannot multiply the load on a subgraph that is
 * already struggling.
 */
export class RetryBudget {
  private readonly windows: Array<{ startedAt: number; requests: number; retries: number }> = [];

  constructor(
    private readonly ratio: number,
    private readonly minPerSecond = 2,
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  recordRequest(): void {
    this.current().requests += 1;
  }

  /** Spends one retry if the budget has one. */
  tryRetry(): boolean {
    // A ratio of 0 turns retries off, the low-traffic allowance included.
    if (this.ratio === 0) return false;
    const totals = this.totals();
    const allowed = Math.max(this.minPerSecond * (this.windowMs / 1000), totals.requests * this.ratio);
    if (totals.retries >= allowed) return false;
    this.current().retries += 1;
    return true;
  }

  private current() {
    const now = this.now();
    const second = Math.floor(now / 1000) * 1000;
    let latest = this.windows.at(-1);
    if (!latest || latest.startedAt !== second) {
      latest = { startedAt: second, requests: 0, retries: 0 };
      this.windows.push(latest);
    }
    while (this.windows.length > 0 && this.windows[0]!.startedAt <= now - this.windowMs) this.windows.shift();
    return latest;
  }

  private totals() {
    this.current();
    return this.windows.reduce(
      (sum, window) => ({ requests: sum.requests + window.requests, retries: sum.retries + window.retries }),
      { requests: 0, retries: 0 },
    );
  }
}
