import {
  userDataRequested,
  observeCustomerDataReplies,
  orderPaid,
  productCreated,
  uniqueId,
  userDeleted,
  type CustomerDataReplies,
} from "@cartograph/testing";
import { startReviewsHarness, type ReviewsHarness } from "./harness";

let reviews: ReviewsHarness;
let replies: CustomerDataReplies;
beforeAll(async () => {
  reviews = await startReviewsHarness();
  replies = await observeCustomerDataReplies(reviews.config.EVENTS_EXCHANGE);
});
afterAll(async () => {
  await replies?.close();
  await reviews?.close();
});

const ADD = `mutation($input: AddReviewInput!) { addReview(input: $input) { review { id } userErrors { code } } }`;
const REVIEWS_OF = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
  rating { average count } reviews { nodes { id title author { id } } } } } }`;

async function newProduct(): Promise<string> {
  const productId = uniqueId("prd");
  await reviews.deliver(productCreated(productId));
  return productId;
}

async function addReview(userId: string, productId: string, rating: number, title: string): Promise<string> {
  const result = await reviews.gql<{ addReview: { review: { id: string } | null } }>(
    ADD,
    { input: { productId, rating, title, body: `${title}, in so many words.` } },
    reviews.tokens.customer(userId),
  );
  expect(result.errors).toBeUndefined();
  return result.data!.addReview.review!.id;
}

/** A customer who bought and reviewed two products, and another who reviewed one of them. */
async function customerWithReviews() {
  const [chair, lamp] = [await newProduct(), await newProduct()];
  const userId = uniqueId("usr");
  const other = uniqueId("usr");
  await reviews.deliver(orderPaid({ orderId: uniqueId("ord"), userId, productIds: [chair, lamp] }));
  await reviews.deliver(orderPaid({ orderId: uniqueId("ord"), userId: other, productIds: [chair] }));
  const mine = [await addReview(userId, chair, 5, "Great chair"), await addReview(userId, lamp, 2, "Dim lamp")];
  const theirs = await addReview(other, chair, 3, "Fine chair");
  return { userId, other, chair, lamp, mine, theirs };
}

describe("a customer's data in reviews", () => {
  it("exports the customer's reviews and verified purchases, and nobody else's", async () => {
    const { userId, chair, lamp, mine } = await customerWithReviews();
    const request = userDataRequested(userId);
    await reviews.deliver(request);

    const reply = await replies.exported(request.data.requestId);
    expect(reply.data).toMatchObject({ userId, service: "reviews" });
    expect(reply.data.data).toEqual({
      reviews: [
        {
          reviewId: mine[0],
          productId: chair,
          rating: 5,
          title: "Great chair",
          body: "Great chair, in so many words.",
          verifiedPurchase: true,
          createdAt: expect.any(String),
        },
        expect.objectContaining({ reviewId: mine[1], productId: lamp, rating: 2, title: "Dim lamp" }),
      ],
      verifiedPurchases: [
        { productId: expect.any(String), firstPaidAt: expect.any(String) },
        { productId: expect.any(String), firstPaidAt: expect.any(String) },
      ],
    });
    const bought = (reply.data.data.verifiedPurchases as Array<{ productId: string }>).map((p) => p.productId);
    expect(bought.sort()).toEqual([chair, lamp].sort());
    expect(JSON.stringify(reply.data.data)).not.toContain("Fine chair");
    expect(replies.count(request.data.requestId)).toBe(1);
  });

  it("keeps an erased customer's reviews and ratings without their id, forgets their purchases, and says so once", async () => {
    const { userId, other, chair, mine, theirs } = await customerWithReviews();
    const deleted = userDeleted(userId);
    await reviews.deliver(deleted);

    const reply = await replies.erased(deleted.data.requestId);
    expect(reply.data).toEqual({
      requestId: deleted.data.requestId,
      userId,
      service: "reviews",
      summary: { reviewsAnonymised: 2, verifiedPurchases: 2 },
    });

    const stored = reviews.store.db.collection<{ _id: string; authorId: string }>("reviews");
    expect(await stored.countDocuments({ authorId: userId })).toBe(0);
    expect(await stored.countDocuments({ _id: { $in: mine } })).toBe(2);
    expect(await reviews.store.db.collection("verified_purchases").countDocuments({ userId })).toBe(0);
    // The other customer's review and purchase are untouched.
    expect(await stored.countDocuments({ _id: theirs, authorId: other })).toBe(1);
    expect(await reviews.store.db.collection("verified_purchases").countDocuments({ userId: other })).toBe(1);

    // The product's rating still counts both reviews; the erased author resolves to null, without errors.
    const result = await reviews.gql<{
      _entities: Array<{
        rating: { average: number; count: number };
        reviews: { nodes: Array<{ id: string; title: string; author: { id: string } | null }> };
      }>;
    }>(REVIEWS_OF, { r: [{ __typename: "Product", id: chair }] });
    expect(result.errors).toBeUndefined();
    const product = result.data!._entities[0]!;
    expect(product.rating).toEqual({ average: 4, count: 2 });
    expect(product.reviews.nodes).toEqual(
      expect.arrayContaining([
        { id: mine[0], title: "Great chair", author: null },
        { id: theirs, title: "Fine chair", author: { id: other } },
      ]),
    );

    // A second deletion of the same customer finds nothing left.
    const again = userDeleted(userId);
    await reviews.deliver(again);
    expect((await replies.erased(again.data.requestId)).data.summary).toEqual({
      reviewsAnonymised: 0,
      verifiedPurchases: 0,
    });
    expect(await stored.countDocuments({ _id: { $in: mine } })).toBe(2);
    expect(replies.count(deleted.data.requestId)).toBe(1);
  });
});
