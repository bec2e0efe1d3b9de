import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import * as schema from "./schema";

export { schema };
export type InventoryDb = NodePgDatabase<typeof schema>;
export type InventoryTransaction = Parameters<Parameters<InventoryDb["transaction"]>[0]>[0];
/** A transaction or the database itself: repositories accept either. */
export type InventoryExecutor = InventoryTransaction | InventoryDb;
