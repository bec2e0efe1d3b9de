import {
  userDataRequested,
  observeCustomerDataReplies,
  orderPaid,
  productCreated,
  uniqueId,
  userDeleted,
  type CustomerDataReplies,
} from "@cartograph/testing";
import { startRecommendationsHarness, type RecommendationsHarness } from "./harness";

let recs: RecommendationsHarness;
let replies: CustomerDataReplies;
beforeAll(async () => {
  recs = await startRecommendationsHarness();
  replies = await observeCustomerDataReplies(recs.config.EVENTS_EXCHANGE);
});
afterAll(async () => {
  await replies?.close();
  await recs?.close();
});

const pairs = () => recs.store.db.collection<{ _id: string; count: number }>("copurchases");
const history = () => recs.store.db.collection<{ _id: string; userId: string | null }>("purchases");
const bought = () => recs.store.db.collection<{ _id: string; userId: string }>("user_products");

/** A customer with two orders of a desk and a chair, and another customer's order of the same. */
async function customerWithOrders() {
  const [desk, chair] = [uniqueId("prd"), uniqueId("prd")];
  for (const id of [desk, chair]) await recs.deliver(productCreated(id));
  const userId = uniqueId("usr");
  const other = uniqueId("usr");
  const orders = [
    orderPaid({ orderId: uniqueId("ord"), userId, productIds: [desk, chair] }),
    orderPaid({ orderId: uniqueId("ord"), userId, productIds: [desk, chair] }),
  ];
  for (const order of orders) await recs.deliver(order);
  const theirs = orderPaid({ orderId: uniqueId("ord"), userId: other, productIds: [desk, chair] });
  await recs.deliver(theirs);
  return { userId, other, desk, chair, orderIds: orders.map((o) => o.data.orderId), theirs: theirs.data.orderId };
}

describe("a customer's data in recommendations", () => {
  it("exports the customer's paid orders and products bought, and nobody else's", async () => {
    const { userId, desk, chair, orderIds, theirs } = await customerWithOrders();
    const request = userDataRequested(userId);
    await recs.deliver(request);

    const reply = await replies.exported(request.data.requestId);
    expect(reply.data).toMatchObject({ userId, service: "recommendations" });
    const data = reply.data.data as {
      purchases: Array<{ orderId: string; lines: Array<{ productId: string; quantity: number }>; paidAt: string }>;
      productsBought: Array<{ productId: string; lastPaidAt: string }>;
    };
    expect(data.purchases.map((order) => order.orderId).sort()).toEqual([...orderIds].sort());
    expect(data.purchases[0]).toEqual({
      orderId: expect.any(String),
      lines: [
        { productId: desk, quantity: 1 },
        { productId: chair, quantity: 1 },
      ],
      paidAt: expect.any(String),
    });
    expect(data.productsBought.map((row) => row.productId).sort()).toEqual([desk, chair].sort());
    expect(JSON.stringify(data)).not.toContain(theirs);
  });

  it("takes an erased customer off their orders, keeps the co-purchase counts through a rebuild, and says so once", async () => {
    const { userId, other, desk, chair, orderIds, theirs } = await customerWithOrders();
    const deleted = userDeleted(userId);
    await recs.deliver(deleted);

    expect((await replies.erased(deleted.data.requestId)).data).toEqual({
      requestId: deleted.data.requestId,
      userId,
      service: "recommendations",
      summary: { purchasesAnonymised: 2, productsBought: 2 },
    });
    expect(await history().countDocuments({ userId })).toBe(0);
    expect(await history().countDocuments({ _id: { $in: orderIds }, userId: null })).toBe(2);
    expect(await bought().countDocuments({ userId })).toBe(0);
    expect(await history().countDocuments({ _id: theirs, userId: other })).toBe(1);
    expect(await bought().countDocuments({ userId: other })).toBe(2);
    expect((await pairs().findOne({ _id: `${desk}|${chair}` }))?.count).toBe(3);

    // The erased orders still count after a rebuild, and give the customer no purchases back.
    await recs.service.coPurchases.rebuild();
    expect((await pairs().findOne({ _id: `${desk}|${chair}` }))?.count).toBe(3);
    expect(await bought().countDocuments({ userId })).toBe(0);
    expect(await bought().countDocuments({ userId: other })).toBe(2);

    // A late order of theirs counts, but without them; a second deletion finds nothing left.
    const late = orderPaid({ orderId: uniqueId("ord"), userId, productIds: [desk, chair] });
    await recs.deliver(late);
    expect(await history().findOne({ _id: late.data.orderId })).toMatchObject({ userId: null });
    expect(await bought().countDocuments({ userId })).toBe(0);
    expect((await pairs().findOne({ _id: `${desk}|${chair}` }))?.count).toBe(4);

    const again = userDeleted(userId);
    await recs.deliver(again);
    expect((await replies.erased(again.data.requestId)).data.summary).toEqual({
      purchasesAnonymised: 0,
      productsBought: 0,
    });
    expect(replies.count(deleted.data.requestId)).toBe(1);
  });
});
