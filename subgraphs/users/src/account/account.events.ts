import { enqueueEvent } from "@cartograph/events/postgres";
import type { UsersExecutor } from "../db";
import type { UserRow } from "../db/schema";

// What users announces. Each is written to the outbox in the transaction that made it true.

/** A new customer account. */
export function announceUserRegistered(tx: UsersExecutor, user: Pick<UserRow, "id" | "email" | "name">) {
  return enqueueEvent(tx, {
    type: "user.registered",
    aggregateId: user.id,
    data: { userId: user.id, email: user.email, name: user.name },
  });
}
