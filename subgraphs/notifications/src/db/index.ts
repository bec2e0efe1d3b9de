import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import * as schema from "./schema";

export { schema };
export type NotificationsDb = NodePgDatabase<typeof schema>;
export type NotificationsTransaction = Parameters<Parameters<NotificationsDb["transaction"]>[0]>[0];
/** A transaction or the database itself: repositories accept either. */
export type NotificationsExecutor = NotificationsTransaction | NotificationsDb;
