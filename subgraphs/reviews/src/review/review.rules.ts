import { z } from "zod";

export const TITLE_MAX = 120;
export const BODY_MAX = 5000;

/**
 * Reviews are plain text: never interpreted as HTML or Markdown here or by the API, so clients
 * escape them like any text. Control characters (other than newlines and tabs) are dropped,
 * line breaks normalized, Unicode composed, and the ends trimmed.
 */
export function plainText(value: string): string {
  return (
    value
      .normalize("NFC")
      .replace(/\r\n?/g, "\n")
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g, "")
      .trim()
  );
}

const text = (name: string, max: number) =>
  z
    .string()
    .transform(plainText)
    .pipe(z.string().min(1, `${name} cannot be empty.`).max(max, `${name} can be at most ${max} characters.`));

export const addReviewInputSchema = z.object({
  productId: z.string().trim().min(1, "Choose a product.").max(100, "No product has this id."),
  rating: z
    .number()
    .int("A rating is a whole number of stars.")
    .min(1, "A rating is 1 to 5 stars.")
    .max(5, "A rating is 1 to 5 stars."),
  title: text("The title", TITLE_MAX),
  body: text("The review", BODY_MAX),
});

export type AddReviewInputValues = z.infer<typeof addReviewInputSchema>;

/** The 1..5 distribution from per-rating counts (missing ratings are zero). */
export function ratingBuckets(counts: ReadonlyArray<{ rating: number; count: number }>): number[] {
  const buckets = [0, 0, 0, 0, 0];
  for (const { rating, count } of counts) if (rating >= 1 && rating <= 5) buckets[rating - 1]! += count;
  return buckets;
}

/** The average to two decimals, or null when nobody has rated. */
export function averageRating(sum: number, count: number): number | null {
  return count === 0 ? null : Math.round((sum / count) * 100) / 100;
}

/**
 * What an erased author's reviews hold instead of their user id. One per review, not one fixed
 * marker: a product's reviews are unique by author (`one_review_per_user_and_product`), and
 * FerretDB has no partial indexes to exempt a shared marker from it.
 */
const ERASED_AUTHOR_PREFIX = "erased:";
export const erasedAuthorId = (reviewId: string): string => `${ERASED_AUTHOR_PREFIX}${reviewId}`;
/** True for a review whose author deleted their account: it has no author to resolve. */
export const isErasedAuthor = (authorId: string): boolean => authorId.startsWith(ERASED_AUTHOR_PREFIX);
