import { and, asc, desc, eq, gt, lt, or, type AnyColumn, type SQL } from "drizzle-orm";
import { pageCursor, readsDescending, type PageRequest } from "./graphql/pagination";

/**
 * One page of a newest-first list keyed on (time, id), in either direction: the condition for
 * the rows beyond the page's cursor, and the order to read them in (reversed for `last`/`before`;
 * `buildConnection` turns them back). Fetch `page.limit + 1` rows with both.
 */
export function newestFirstPage(
  time: AnyColumn,
  id: AnyColumn,
  page: PageRequest,
): { where: SQL | undefined; orderBy: SQL[] } {
  const descending = readsDescending(page, true);
  const cursor = pageCursor(page);
  const beyond = descending ? lt : gt;
  const where = cursor
    ? or(
        beyond(time, new Date(String(cursor[0]))),
        and(eq(time, new Date(String(cursor[0]))), beyond(id, String(cursor[1]))),
      )
    : undefined;
  const direction = descending ? desc : asc;
  return { where, orderBy: [direction(time), direction(id)] };
}
