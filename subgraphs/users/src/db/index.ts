import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import * as schema from "./schema";

export { schema };
export type UsersDb = NodePgDatabase<typeof schema>;
/** A transaction or the database itself: repositories accept either. */
export type UsersExecutor = Parameters<Parameters<UsersDb["transaction"]>[0]>[0] | UsersDb;
