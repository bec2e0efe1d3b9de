import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import * as schema from "./schema";

export { schema };
export type OrdersDb = NodePgDatabase<typeof schema>;
/** A transaction or the database itself: repositories accept either. */
export type OrdersExecutor = Parameters<Parameters<OrdersDb["transaction"]>[0]>[0] | OrdersDb;
