import { outboxRepliesTo, uniqueId, userDataRequested, userDeleted, waitFor } from "@cartograph/testing";
import { startProductsHarness, type ProductsHarness } from "./harness";

let products: ProductsHarness;
beforeAll(async () => {
  products = await startProductsHarness();
});
afterAll(() => products?.close());

describe("a customer's data on request", () => {
  it("answers both requests, holding nothing about anyone", async () => {
    const userId = uniqueId("usr");
    const requested = userDataRequested(userId);
    const deleted = userDeleted(userId);
    await products.broker.publishEvent(requested);
    await products.broker.publishEvent(deleted);
    const replyTo = (type: "user.data_exported" | "user.erased", requestId: string) =>
      waitFor(async () => (await outboxRepliesTo(products.database.pool, type, requestId))[0], {
        what: `${type} for ${requestId}`,
      });
    expect(await replyTo("user.data_exported", requested.data.requestId)).toEqual({
      requestId: requested.data.requestId,
      userId,
      service: "products",
      data: {},
    });
    expect(await replyTo("user.erased", deleted.data.requestId)).toEqual({
      requestId: deleted.data.requestId,
      userId,
      service: "products",
      summary: {},
    });
  });
});
