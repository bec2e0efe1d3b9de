import {
  ANSWERING_SERVICES,
  awaitingServices,
  exportDocument,
  isExpired,
  statusOnceAnswered,
} from "./data-request.rules";

describe("data request rules", () => {
  it("waits for every subgraph, then an export is READY and an erasure COMPLETED", () => {
    const allButOne = ANSWERING_SERVICES.filter((service) => service !== "reviews");
    expect(awaitingServices(allButOne)).toEqual(["reviews"]);
    expect(statusOnceAnswered("EXPORT", allButOne)).toBe("PENDING");
    expect(statusOnceAnswered("EXPORT", [...allButOne, "reviews"])).toBe("READY");
    expect(statusOnceAnswered("ERASURE", [...ANSWERING_SERVICES])).toBe("COMPLETED");
    // A service the list does not know does not count.
    expect(statusOnceAnswered("ERASURE", [...allButOne, "someone-else"])).toBe("PENDING");
  });

  it("a READY export expires at expiresAt; other states never do", () => {
    const at = new Date("2026-12-08T00:00:00Z");
    expect(isExpired({ status: "READY", expiresAt: at }, new Date("2026-12-07T23:59:59Z"))).toBe(false);
    expect(isExpired({ status: "READY", expiresAt: at }, at)).toBe(true);
    expect(isExpired({ status: "COMPLETED", expiresAt: null }, at)).toBe(false);
  });

  it("the document has one section per subgraph, null where none answered", () => {
    const document = JSON.parse(
      exportDocument(
        { id: "dr_1", userId: "usr_1", requestedAt: new Date("2026-12-01T00:00:00Z"), completedAt: null },
        [{ service: "orders", data: { orders: [{ id: "ord_1" }] } }],
      ),
    ) as { services: Record<string, unknown> };
    expect(Object.keys(document.services)).toEqual([...ANSWERING_SERVICES]);
    expect(document.services.orders).toEqual({ orders: [{ id: "ord_1" }] });
    expect(document.services.users).toBeNull();
  });
});
