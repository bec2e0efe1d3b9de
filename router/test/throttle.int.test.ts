import { startShelfRouter, type ShelfRouter } from "./shelf-router";

/** Each client draws its operations' cost from a bucket of its own; past it, 429 with the wait. */
let shelf: ShelfRouter;
beforeAll(async () => {
  // `{ shelf { id } }` costs 10 (a list of objects, unsized); the bucket holds three of them.
  shelf = await startShelfRouter({ THROTTLE_MAX_POINTS: "30", THROTTLE_RESTORE_RATE: "1" });
});
afterAll(() => shelf?.close());

describe("cost throttling", () => {
  it("reports each operation's cost and what is left, then refuses with RATE_LIMITED and Retry-After", async () => {
    const token = shelf.tokens.customer("usr_throttled");
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await shelf.post({ query: "{ shelf { id } }" }, token);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ data: { shelf: [{ id: "1" }] } });
      expect(answer.cost).toEqual({
        requestedQueryCost: 10,
        throttleStatus: { currentlyAvailable: 20 - 10 * i, maximumAvailable: 30, restoreRate: 1 },
      });
      expect(answer.headers.get("ratelimit-limit")).toBe("30");
      remaining.push(answer.headers.get("ratelimit-remaining")!);
    }
    expect(remaining.map(Number)).toEqual([20, 10, 0]);
    const calls = shelf.calls.length;
    const refused = await shelf.post({ query: "{ shelf { id } }" }, token);
    expect(refused.status).toBe(429);
    expect(refused.body.data).toBeUndefined();
    // A second or more may pass under load since the third answer: a point or two restored, still short of 10.
    const [error] = refused.body.errors as Array<{
      message: string;
      extensions: { code: string; cost: { throttleStatus: { currentlyAvailable: number } } };
    }>;
    const available = error!.extensions.cost.throttleStatus.currentlyAvailable;
    expect(available).toBeGreaterThanOrEqual(0);
    expect(available).toBeLessThan(10);
    expect(refused.body.errors).toEqual([
      {
        message: `Throttled: this operation costs 10 points and ${available} are available. Retry in ${10 - available} s.`,
        extensions: {
          code: "RATE_LIMITED",
          cost: {
            requestedQueryCost: 10,
            throttleStatus: { currentlyAvailable: available, maximumAvailable: 30, restoreRate: 1 },
          },
        },
      },
    ]);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(10 - available);
    expect(shelf.calls.length).toBe(calls); // refused before any subgraph was called
  });

  it("keeps a bucket per client: another user, and anonymous callers by address, are not held back", async () => {
    const other = await shelf.post({ query: "{ shelf { id } }" }, shelf.tokens.customer("usr_another"));
    expect(other.status).toBe(200);
    const anonymous = await shelf.post({ query: "{ shelf { id } }" });
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("ratelimit-remaining")).toBe("20");
  });

  it("does not believe X-Forwarded-For from a caller it was not told to trust", async () => {
    // Same socket address as the anonymous call above: same bucket, whatever the header claims.
    const spoofed = await shelf.post({ query: "{ shelf { id } }" }, undefined, { "x-forwarded-for": "203.0.113.9" });
    expect(spoofed.status).toBe(200);
    // 10 left (a point more per second since): a bucket of its own would have had 20.
    expect(Number(spoofed.headers.get("ratelimit-remaining"))).toBeLessThan(20);
  });
});

describe("cost throttling behind a trusted proxy (the storefront's server, an ingress)", () => {
  let proxied: ShelfRouter;
  beforeAll(async () => {
    proxied = await startShelfRouter({
      THROTTLE_MAX_POINTS: "30",
      THROTTLE_RESTORE_RATE: "1",
      TRUSTED_PROXIES: "loopback",
    });
  });
  afterAll(() => proxied?.close());

  it("gives each anonymous shopper the proxy forwards a bucket of their own", async () => {
    const shopper = (address: string) =>
      proxied.post({ query: "{ shelf { id } }" }, undefined, { "x-forwarded-for": address });
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) remaining.push((await shopper("203.0.113.7")).headers.get("ratelimit-remaining"));
    expect(remaining).toEqual(["20", "10", "0"]);
    expect((await shopper("203.0.113.7")).status).toBe(429);
    // Another shopper behind the same proxy is not held back by the first.
    const other = await shopper("198.51.100.23");
    expect(other.status).toBe(200);
    expect(other.headers.get("ratelimit-remaining")).toBe("20");
    // The chain is read from the right, up to the first address no trusted proxy vouches for: what
    // the first shopper claims before it (a fresh address, a fresh bucket) is not believed.
    expect((await shopper("198.51.100.99, 203.0.113.7")).status).toBe(429);
    expect((await shopper("203.0.113.7, 127.0.0.1")).status).toBe(429);
  });
});
