import type { CursorKey } from "@cartograph/service-kit/graphql";
import { and, eq, lt, or, type AnyColumn, type SQL } from "drizzle-orm";

/**
 * What comes after a cursor in a newest-first list keyed on (time, id): an older time, or the
 * same time and a smaller id. Undefined without a cursor (the first page).
 */
export function newestFirstAfter(time: AnyColumn, id: AnyColumn, after: CursorKey | null | undefined): SQL | undefined {
  if (!after) return undefined;
  const at = new Date(String(after[0]));
  return or(lt(time, at), and(eq(time, at), lt(id, String(after[1]))));
}
