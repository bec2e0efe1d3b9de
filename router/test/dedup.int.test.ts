import { startShelfRouter, type ShelfRouter } from "./shelf-router";

let shelf: ShelfRouter;
beforeAll(async () => {
  shelf = await startShelfRouter({ ROUTER_DEDUP: "on" });
});
afterAll(() => shelf?.close());
beforeEach(() => {
  shelf.calls.length = 0;
});

const post = (query: string, token?: string) => shelf.post({ query }, token).then((answer) => answer.body);

describe("in-flight deduplication of subgraph fetches", () => {
  it("sends identical concurrent queries of one caller once, and each gets the whole answer", async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => post("{ shelf { id name } }")));
    expect(answers).toEqual(Array.from({ length: 5 }, () => ({ data: { shelf: [{ id: "1", name: "Kettle" }] } })));
    expect(shelf.calls).toHaveLength(1);
  });

  it("never joins two callers: identical queries with different tokens are sent once each", async () => {
    const [alice, bob] = [shelf.tokens.customer(), shelf.tokens.customer()];
    await Promise.all([post("{ mine }", alice), post("{ mine }", bob), post("{ mine }", alice)]);
    expect(shelf.calls.map((call) => call.authorization).sort()).toEqual([`Bearer ${alice}`, `Bearer ${bob}`].sort());
  });

  it("never deduplicates a mutation", async () => {
    const answers = await Promise.all(Array.from({ length: 3 }, () => post("mutation { restock }")));
    expect(answers.every((answer) => (answer.data as { restock: number }).restock === 1)).toBe(true);
    expect(shelf.calls).toHaveLength(3);
  });
});
