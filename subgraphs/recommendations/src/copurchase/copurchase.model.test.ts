import {
  aggregateHistory,
  APPLIED_ORDERS_KEPT,
  coPurchasePairs,
  dayOf,
  fillUp,
  rankCandidates,
  recencyWeight,
  type PaidOrder,
} from "./copurchase.model";

const order = (orderId: string, productIds: string[], paidAt: string, userId = "usr_1"): PaidOrder => ({
  orderId,
  userId,
  lines: productIds.map((productId) => ({ productId, quantity: 1 })),
  paidAt: new Date(paidAt),
});

describe("co-purchase model", () => {
  it("weighs a purchase 90 days older at half", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    const older = new Date(now.getTime() - 90 * 86_400_000);
    expect(recencyWeight(older) / recencyWeight(now)).toBeCloseTo(0.5, 10);
  });

  it("pairs every two distinct products of an order both ways, never a product with itself", () => {
    const pairs = coPurchasePairs({
      lines: [
        { productId: "b", quantity: 1 },
        { productId: "a", quantity: 2 },
        { productId: "a", quantity: 1 },
      ],
    });
    expect(pairs).toEqual([
      ["a", "b"],
      ["b", "a"],
    ]);
  });

  it("adds up a history: pair scores, daily units and what each user bought", () => {
    const history = aggregateHistory([
      order("o1", ["a", "b"], "2026-06-01T10:00:00Z"),
      order("o2", ["a", "b", "c"], "2026-06-01T12:00:00Z", "usr_2"),
    ]);
    expect(history.pairs.get("a|b")).toMatchObject({ count: 2, orders: ["o1", "o2"] });
    expect(history.pairs.get("a|c")?.count).toBe(1);
    expect(history.dailySales.get(`a|${dayOf(new Date("2026-06-01T10:00:00Z")).toISOString()}`)?.units).toBe(2);
    expect([...history.userProducts.keys()].sort()).toEqual(["usr_1|a", "usr_1|b", "usr_2|a", "usr_2|b", "usr_2|c"]);
  });

  it("remembers only the last orders applied to a counter", () => {
    const many = Array.from({ length: APPLIED_ORDERS_KEPT + 5 }, (_, i) =>
      order(`o${i}`, ["a", "b"], "2026-06-01T10:00:00Z"),
    );
    const pair = aggregateHistory(many).pairs.get("a|b")!;
    expect(pair.count).toBe(APPLIED_ORDERS_KEPT + 5);
    expect(pair.orders).toHaveLength(APPLIED_ORDERS_KEPT);
    expect(pair.orders.at(-1)).toBe(`o${APPLIED_ORDERS_KEPT + 4}`);
  });

  it("ranks candidates by summed score, leaving out the excluded, and fills up from a fallback", () => {
    const ranked = rankCandidates(
      [
        [
          { otherId: "x", score: 1 },
          { otherId: "y", score: 3 },
        ],
        [
          { otherId: "x", score: 2.5 },
          { otherId: "mine", score: 9 },
        ],
      ],
      new Set(["mine"]),
    );
    expect(ranked).toEqual(["x", "y"]);
    expect(fillUp(ranked, ["y", "mine", "z", "w"], new Set(["mine"]), 3)).toEqual(["x", "y", "z"]);
  });
});
