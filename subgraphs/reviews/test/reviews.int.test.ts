import { randomUUID } from "node:crypto";
import { orderPaid, productCreated, uniqueId } from "@cartograph/testing";
import { startReviewsHarness, type ReviewsHarness } from "./harness";

let reviews: ReviewsHarness;
beforeAll(async () => {
  reviews = await startReviewsHarness();
});
afterAll(() => reviews?.close());

const ADD = `mutation($input: AddReviewInput!) { addReview(input: $input) {
  review { id rating title body verifiedPurchase product { id } author { id } createdAt }
  userErrors { code field message } } }`;
const DELETE = `mutation($id: ID!) { deleteReview(id: $id) { deleted userErrors { code field message } } }`;
const RATING = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id rating { average count distribution { rating count } } } } }`;
const PRODUCT_REVIEWS = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on Product {
  reviews(first: $first, after: $after) { totalCount nodes { id rating } pageInfo { hasNextPage endCursor } } } } }`;
const USER_REVIEWS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { reviews { totalCount nodes { product { id } } } } } }`;

interface AddResult {
  addReview: {
    review: {
      id: string;
      rating: number;
      title: string;
      body: string;
      verifiedPurchase: boolean;
      product: { id: string };
      author: { id: string };
    } | null;
    userErrors: Array<{ code: string; field: string[] | null; message: string }>;
  };
}
interface Rating {
  average: number | null;
  count: number;
  distribution: Array<{ rating: number; count: number }>;
}

async function newProduct(): Promise<string> {
  const productId = uniqueId("prd");
  await reviews.deliver(productCreated(productId));
  return productId;
}

const review = (productId: string, rating = 5, extra: Partial<{ title: string; body: string }> = {}) => ({
  productId,
  rating,
  title: "Solid",
  body: "Does what it says.",
  ...extra,
});

async function addReview(userId: string, input: ReturnType<typeof review>) {
  const result = await reviews.gql<AddResult>(ADD, { input }, reviews.tokens.customer(userId));
  expect(result.errors).toBeUndefined();
  return result.data!.addReview;
}

async function ratingOf(productId: string): Promise<Rating> {
  const result = await reviews.gql<{ _entities: Array<{ rating: Rating }> }>(RATING, {
    r: [{ __typename: "Product", id: productId }],
  });
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0]!.rating;
}

const distribution = (...counts: number[]) => counts.map((count, index) => ({ rating: index + 1, count }));

describe("reviews", () => {
  it("marks a buyer's review verified and a non-buyer's not", async () => {
    const productId = await newProduct();
    const buyer = uniqueId("usr");
    await reviews.deliver(
      orderPaid({ orderId: uniqueId("ord"), userId: buyer, productIds: [productId, uniqueId("prd_other")] }),
    );

    const bought = await addReview(buyer, review(productId, 4));
    expect(bought.userErrors).toEqual([]);
    expect(bought.review).toMatchObject({
      rating: 4,
      verifiedPurchase: true,
      product: { id: productId },
      author: { id: buyer },
    });

    const browsed = await addReview(uniqueId("usr"), review(productId, 2));
    expect(browsed.review?.verifiedPurchase).toBe(false);
  });

  it("verifies an earlier review when its author's order is paid later, and a redelivery changes nothing", async () => {
    const productId = await newProduct();
    const userId = uniqueId("usr");
    const added = await addReview(userId, review(productId));
    expect(added.review?.verifiedPurchase).toBe(false);

    const paid = orderPaid({ orderId: uniqueId("ord"), userId, productIds: [productId] });
    await reviews.deliver(paid);
    // The same order announced again under a new event id (the inbox cannot tell): applied, harmless.
    await reviews.deliver({ ...paid, id: randomUUID() });
    const result = await reviews.gql<{ _entities: Array<{ verifiedPurchase: boolean } | null> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Review { verifiedPurchase } } }`,
      { r: [{ __typename: "Review", id: added.review!.id }] },
    );
    expect(result.data!._entities).toEqual([{ verifiedPurchase: true }]);
    expect(await reviews.store.db.collection("verified_purchases").countDocuments({ userId })).toBe(1);
  });

  it("refuses a second review of the same product by the same customer with ALREADY_REVIEWED", async () => {
    const productId = await newProduct();
    const userId = uniqueId("usr");
    expect((await addReview(userId, review(productId, 5))).userErrors).toEqual([]);
    const second = await addReview(userId, review(productId, 1, { title: "Changed my mind" }));
    expect(second.review).toBeNull();
    expect(second.userErrors).toEqual([
      { code: "ALREADY_REVIEWED", field: ["input", "productId"], message: expect.any(String) },
    ]);
    expect(await ratingOf(productId)).toEqual({ average: 5, count: 1, distribution: distribution(0, 0, 0, 0, 1) });
  });

  it("lets five simultaneous reviews by one customer create exactly one", async () => {
    const productId = await newProduct();
    const userId = uniqueId("usr");
    const results = await Promise.all(Array.from({ length: 5 }, () => addReview(userId, review(productId, 3))));
    expect(results.filter((r) => r.review !== null)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === "ALREADY_REVIEWED")).toHaveLength(4);
    expect((await ratingOf(productId)).count).toBe(1);
  });

  it("keeps the rating summary exact under twelve simultaneous reviews by different customers", async () => {
    const productId = await newProduct();
    const ratings = [5, 4, 4, 3, 5, 1, 2, 5, 4, 3, 5, 5];
    await Promise.all(ratings.map((rating) => addReview(uniqueId("usr"), review(productId, rating))));
    expect(await ratingOf(productId)).toEqual({ average: 3.83, count: 12, distribution: distribution(1, 1, 2, 3, 5) });
  });

  it("updates the rating summary when a review is deleted; another customer cannot delete it, an admin can", async () => {
    const productId = await newProduct();
    const alice = uniqueId("usr");
    const bob = uniqueId("usr");
    const alices = (await addReview(alice, review(productId, 5))).review!;
    const bobs = (await addReview(bob, review(productId, 2))).review!;
    expect(await ratingOf(productId)).toEqual({ average: 3.5, count: 2, distribution: distribution(0, 1, 0, 0, 1) });

    const stranger = await reviews.gql(DELETE, { id: alices.id }, reviews.tokens.customer(bob));
    expect(stranger.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await ratingOf(productId)).count).toBe(2);

    const own = await reviews.gql<{ deleteReview: { deleted: boolean } }>(
      DELETE,
      { id: alices.id },
      reviews.tokens.customer(alice),
    );
    expect(own.data!.deleteReview).toEqual({ deleted: true, userErrors: [] });
    expect(await ratingOf(productId)).toEqual({ average: 2, count: 1, distribution: distribution(0, 1, 0, 0, 0) });

    const again = await reviews.gql<{ deleteReview: { deleted: boolean | null; userErrors: Array<{ code: string }> } }>(
      DELETE,
      { id: alices.id },
      reviews.tokens.customer(alice),
    );
    expect(again.data!.deleteReview).toMatchObject({ deleted: null, userErrors: [{ code: "NOT_FOUND" }] });

    const byAdmin = await reviews.gql<{ deleteReview: { deleted: boolean } }>(
      DELETE,
      { id: bobs.id },
      reviews.tokens.admin(),
    );
    expect(byAdmin.data!.deleteReview.deleted).toBe(true);
    expect(await ratingOf(productId)).toEqual({ average: null, count: 0, distribution: distribution(0, 0, 0, 0, 0) });
  });

  it("explains bad input field by field and stores title and body trimmed", async () => {
    const productId = await newProduct();
    const bad = await addReview(uniqueId("usr"), { productId, rating: 6, title: "   ", body: "fine" });
    expect(bad.review).toBeNull();
    expect(bad.userErrors.map((e) => [e.code, e.field])).toEqual([
      ["INVALID", ["input", "rating"]],
      ["INVALID", ["input", "title"]],
    ]);
    const trimmed = await addReview(
      uniqueId("usr"),
      review(productId, 4, { title: "  <b>Great</b>  ", body: "\n Line one\r\nLine two \n" }),
    );
    expect(trimmed.review).toMatchObject({ title: "<b>Great</b>", body: "Line one\nLine two" });
  });

  it("refuses a product it does not know or that was deleted, and anonymous callers", async () => {
    const unknown = await addReview(uniqueId("usr"), review(uniqueId("prd_unknown")));
    expect(unknown.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "productId"], message: expect.any(String) },
    ]);

    const productId = await newProduct();
    const created = productCreated(productId);
    await reviews.deliver({
      ...productCreated(productId, { active: false }),
      type: "product.deleted",
      occurredAt: new Date(Date.parse(created.occurredAt) + 1000).toISOString(),
    });
    expect((await addReview(uniqueId("usr"), review(productId))).userErrors[0]?.code).toBe("NOT_FOUND");

    const anonymous = await reviews.gql(ADD, { input: review(await newProduct()) }, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("pages a product's reviews newest first with stable cursors, and lists a user's reviews", async () => {
    const productId = await newProduct();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await addReview(uniqueId("usr"), review(productId, (i % 5) + 1))).review!.id);
    const newestFirst = [...ids].reverse();

    type Page = {
      _entities: Array<{
        reviews: {
          totalCount: number;
          nodes: Array<{ id: string }>;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }>;
    };
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 5; guard += 1) {
      const result: Awaited<ReturnType<typeof reviews.gql<Page>>> = await reviews.gql<Page>(PRODUCT_REVIEWS, {
        r: [{ __typename: "Product", id: productId }],
        first: 2,
        after,
      });
      expect(result.errors).toBeUndefined();
      const connection = result.data!._entities[0]!.reviews;
      expect(connection.totalCount).toBe(5);
      seen.push(...connection.nodes.map((node) => node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst);

    const wellFormedButWrong = Buffer.from(JSON.stringify(["c1", "yesterday", 7])).toString("base64url");
    for (const cursor of ["not-a-cursor", wellFormedButWrong]) {
      const malformed = await reviews.gql(PRODUCT_REVIEWS, {
        r: [{ __typename: "Product", id: productId }],
        after: cursor,
      });
      expect(malformed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }

    const author = uniqueId("usr");
    const other = await newProduct();
    await addReview(author, review(productId));
    await addReview(author, review(other));
    const mine = await reviews.gql<{
      _entities: Array<{ reviews: { totalCount: number; nodes: Array<{ product: { id: string } }> } }>;
    }>(USER_REVIEWS, { r: [{ __typename: "User", id: author }] });
    expect(mine.data!._entities[0]!.reviews).toEqual({
      totalCount: 2,
      nodes: [{ product: { id: other } }, { product: { id: productId } }],
    });
  });
});

describe("federation contract of the reviews subgraph", () => {
  it("serves its SDL with Review as an entity and Product and User extended by key", async () => {
    const result = await reviews.gql<{ _service: { sdl: string } }>("{ _service { sdl } }");
    const sdl = result.data!._service.sdl;
    expect(sdl).toMatch(/type Review\s+(@cacheControl\([^)]*\)\s+)?@key\(fields: "id"\)/);
    expect(sdl).toMatch(
      /type Product\s+(@cacheControl\([^)]*\)\s+)?@key\(fields: "id"\)\s*\{\s*id: ID!\s*"""[^"]*"""\s*reviews\(/,
    );
    expect(sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
  });

  it("answers `rating` for 50 products in one MongoDB query", async () => {
    const reviewed = await newProduct();
    await addReview(uniqueId("usr"), review(reviewed, 4));
    const ids = [reviewed, ...Array.from({ length: 49 }, () => uniqueId("prd_unreviewed"))];
    reviews.resetQueryCount();
    const result = await reviews.gql<{ _entities: Array<{ id: string; rating: Rating }> }>(RATING, {
      r: ids.map((id) => ({ __typename: "Product", id })),
    });
    expect(result.errors).toBeUndefined();
    expect(reviews.queryCount()).toBe(1);
    expect(result.data!._entities.map((entity) => entity.id)).toEqual(ids);
    expect(result.data!._entities[0]!.rating.count).toBe(1);
    expect(result.data!._entities[1]!.rating).toEqual({
      average: null,
      count: 0,
      distribution: distribution(0, 0, 0, 0, 0),
    });
  });
});
