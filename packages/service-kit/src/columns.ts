import { sql } from "drizzle-orm";
import { timestamp } from "drizzle-orm/pg-core";

/**
 * A `timestamptz` stamped at creation, truncated to milliseconds: JavaScript dates carry only
 * milliseconds, so a keyset cursor built from one must match the stored value exactly.
 */
export const createdAtColumn = (name = "created_at") =>
  timestamp(name, { withTimezone: true, mode: "date" }).notNull().default(sql`date_trunc('milliseconds', now())`);
