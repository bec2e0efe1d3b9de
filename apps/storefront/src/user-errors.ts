import type { CombinedError } from "urql";

/** A mutation's typed refusal, as every SDK payload carries it. */
export interface UserError {
  code: string;
  field: readonly string[] | null;
  message: string;
  quantityAvailable?: number | null;
}

/** What to tell the shopper about a failed call: its user errors, else the transport's error. */
export function problemOf(userErrors: readonly UserError[] | undefined, error?: CombinedError): string | null {
  if (userErrors && userErrors.length > 0) return userErrors.map(describe).join(" ");
  if (error?.networkError) return "The shop cannot be reached. Check your connection and try again.";
  if (error) return error.graphQLErrors.map((entry) => entry.message).join(" ") || error.message;
  return null;
}

function describe(error: UserError): string {
  if (error.code === "OUT_OF_STOCK" && error.quantityAvailable != null)
    return error.quantityAvailable === 0
      ? "Sorry, this is sold out."
      : `Only ${error.quantityAvailable} left in stock.`;
  return error.message;
}
