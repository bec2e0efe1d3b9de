import {
  addReviewInputSchema,
  averageRating,
  BODY_MAX,
  erasedAuthorId,
  isErasedAuthor,
  plainText,
  ratingBuckets,
} from "./review.rules";

describe("review input", () => {
  const valid = { productId: "prd_1", rating: 4, title: "  Sturdy  ", body: "Good chair.\r\nWould buy again. " };

  it("trims title and body and normalizes line breaks", () => {
    const parsed = addReviewInputSchema.parse(valid);
    expect(parsed.title).toBe("Sturdy");
    expect(parsed.body).toBe("Good chair.\nWould buy again.");
  });

  it("keeps markup as the literal text it is", () => {
    expect(plainText("<b>bold</b> & co")).toBe("<b>bold</b> & co");
  });

  it("drops control and bidi-override characters", () => {
    expect(plainText("a\u0000b\u202Ec\td")).toBe("abc\td");
  });

  it.each([0, 6, 3.5])("refuses a rating of %p", (rating) => {
    const result = addReviewInputSchema.safeParse({ ...valid, rating });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["rating"]);
  });

  it("refuses a title that is only whitespace, and a body past the limit", () => {
    const result = addReviewInputSchema.safeParse({ ...valid, title: " \n ", body: "x".repeat(BODY_MAX + 1) });
    expect(result.error?.issues.map((issue) => issue.path[0])).toEqual(["title", "body"]);
  });
});

describe("rating summary", () => {
  it("spreads counts over five buckets and averages to two decimals", () => {
    expect(
      ratingBuckets([
        { rating: 5, count: 2 },
        { rating: 1, count: 1 },
      ]),
    ).toEqual([1, 0, 0, 0, 2]);
    expect(averageRating(11, 3)).toBe(3.67);
    expect(averageRating(0, 0)).toBeNull();
  });
});

describe("erased authors", () => {
  it("marks each review apart, and tells the marker from a user id", () => {
    expect(erasedAuthorId("rev_1")).not.toBe(erasedAuthorId("rev_2"));
    expect(isErasedAuthor(erasedAuthorId("rev_1"))).toBe(true);
    expect(isErasedAuthor("usr_1")).toBe(false);
  });
});
