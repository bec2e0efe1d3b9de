import { performance } from "node:perf_hooks";
import { waitFor } from "@cartograph/testing";
import { startShelfRouter, type ShelfRouter } from "./shelf-router";

/** A hung or failing subgraph is contained: answers within the timeout, then fast, and recovers. */
let shelf: ShelfRouter;
beforeAll(async () => {
  shelf = await startShelfRouter({
    SUBGRAPH_TIMEOUT_MS: "400",
    SUBGRAPH_BREAKER_FAILURES: "2",
    SUBGRAPH_BREAKER_OPEN_MS: "1000",
    SUBGRAPH_RETRY_RATIO: "1",
  });
});
afterAll(() => shelf?.close());

const timed = async (body: Record<string, unknown>) => {
  const started = performance.now();
  const answer = await shelf.post(body);
  return { ...answer, ms: performance.now() - started };
};

describe("a subgraph that hangs", () => {
  it("costs its fields within the timeout, then fails fast while its circuit is open, and recovers by itself", async () => {
    shelf.behave("hang");
    const unavailable = {
      data: { shelf: null },
      errors: [expect.objectContaining({ path: ["shelf"], extensions: { code: "SERVICE_UNAVAILABLE" } })],
    };
    // Two timed-out calls (each retried once within the budget) open the circuit.
    for (let i = 0; i < 2; i++) {
      const answer = await timed({ query: "{ shelf { id } }" });
      expect(answer.body).toEqual({ data: null, errors: unavailable.errors });
      expect(answer.ms).toBeLessThan(3_000);
    }
    const calls = shelf.calls.length;
    const fast = await shelf.post({ query: "{ shelf { id } }" });
    expect(fast.body.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
    expect(shelf.calls.length).toBe(calls); // failed fast: not even sent
    shelf.behave("answer");
    await waitFor(async () => Array.isArray((await shelf.post({ query: "{ shelf { id } }" })).body.data?.shelf), {
      what: "the circuit to close again",
      timeoutMs: 10_000,
    });
  });
});

describe("a subgraph that fails now and then", () => {
  it("is retried once for a query, within the budget, so the shopper never notices", async () => {
    shelf.behave("flaky");
    for (let i = 0; i < 4; i++) {
      expect((await shelf.post({ query: "{ shelf { id } }" })).body).toEqual({ data: { shelf: [{ id: "1" }] } });
    }
  });

  it("is never retried for a mutation", async () => {
    shelf.behave("flaky");
    shelf.calls.length = 0;
    const answers = await Promise.all([1, 2].map(() => shelf.post({ query: "mutation { restock }" })));
    expect(shelf.calls).toHaveLength(2);
    expect(answers.map((answer) => answer.body.errors?.[0]?.extensions?.code ?? "ok").sort()).toEqual([
      "SERVICE_UNAVAILABLE",
      "ok",
    ]);
    shelf.behave("answer");
  });
});
