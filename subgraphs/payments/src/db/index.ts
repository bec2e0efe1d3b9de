import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import * as schema from "./schema";

export { schema };
export type PaymentsDb = NodePgDatabase<typeof schema>;
export type PaymentsTransaction = Parameters<Parameters<PaymentsDb["transaction"]>[0]>[0];
/** A transaction or the database itself: repositories accept either. */
export type PaymentsExecutor = PaymentsTransaction | PaymentsDb;
