import { canTransition, OrderStatus, orderTransitions } from "./order.state";

describe("the order state machine", () => {
  it("walks the happy path PENDING -> RESERVED -> PAID -> SHIPPED -> DELIVERED", () => {
    const path = [
      OrderStatus.PENDING,
      OrderStatus.RESERVED,
      OrderStatus.PAID,
      OrderStatus.SHIPPED,
      OrderStatus.DELIVERED,
    ];
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it("never skips a step or goes back", () => {
    expect(canTransition(OrderStatus.PENDING, OrderStatus.PAID)).toBe(false);
    expect(canTransition(OrderStatus.PAID, OrderStatus.RESERVED)).toBe(false);
    expect(canTransition(OrderStatus.SHIPPED, OrderStatus.CANCELLED)).toBe(false);
    expect(canTransition(OrderStatus.PAID, OrderStatus.PAID)).toBe(false);
  });

  it("ends in CANCELLED and REFUNDED", () => {
    for (const to of Object.values(OrderStatus)) {
      expect(canTransition(OrderStatus.CANCELLED, to)).toBe(false);
      expect(canTransition(OrderStatus.REFUNDED, to)).toBe(false);
    }
  });

  it("gives every allowed move a reason", () => {
    for (const moves of Object.values(orderTransitions))
      for (const reason of Object.values(moves)) expect(reason).toMatch(/\w/);
  });
});
