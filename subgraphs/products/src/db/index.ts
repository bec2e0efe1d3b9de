import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import * as schema from "./schema";

export { schema };
export type ProductsDb = NodePgDatabase<typeof schema>;
/** A transaction or the database itself: repositories accept either. */
export type ProductsExecutor = Parameters<Parameters<ProductsDb["transaction"]>[0]>[0] | ProductsDb;
