import type { CustomerDataHandlers } from "@cartograph/events";
import { forgetPublishedEvents } from "@cartograph/events/postgres";
import { eq, sql } from "drizzle-orm";
import type { UsersExecutor } from "../db";
import { addresses, loginFailures, refreshTokens, users } from "../db/schema";

/** The name an erased account keeps: orders and reviews that name their customer show it. */
export const ERASED_NAME = "Deleted customer";

/** A unique address at a reserved domain, so the real one is free to register again. */
export const erasedEmail = (userId: string) => `erased+${userId}@erased.invalid`;

/**
 * Users' own part of a customer's data requests, run in the request's transaction (users starts
 * them, so it need not hear its own event): the account, its addresses and its sessions.
 */
export const accountCustomerData: CustomerDataHandlers<UsersExecutor> = {
  async exportCustomerData(tx, userId) {
    const [account] = await tx
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        roles: users.roles,
        createdAt: users.createdAt,
        updatedAt: users.updatedAt,
      })
      .from(users)
      .where(eq(users.id, userId));
    const savedAddresses = await tx
      .select({
        line1: addresses.line1,
        line2: addresses.line2,
        city: addresses.city,
        postalCode: addresses.postalCode,
        country: addresses.country,
        isDefault: addresses.isDefault,
        createdAt: addresses.createdAt,
      })
      .from(addresses)
      .where(eq(addresses.userId, userId));
    // When each session began and how long it may last: never the tokens (only their hashes are kept).
    const sessions = await tx
      .select({
        createdAt: refreshTokens.createdAt,
        expiresAt: refreshTokens.expiresAt,
        revokedAt: refreshTokens.revokedAt,
      })
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, userId));
    return { account: account ?? null, addresses: savedAddresses, sessions };
  },

  async eraseCustomerData(tx, userId) {
    const [account] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    if (!account) return { accounts: 0, addresses: 0, sessions: 0, failedSignIns: 0, publishedEvents: 0 };
    const erasedAddresses = await tx
      .delete(addresses)
      .where(eq(addresses.userId, userId))
      .returning({ id: addresses.id });
    // Deleted, not revoked: nothing of a session is worth keeping, and refresh stops at once.
    const sessions = await tx
      .delete(refreshTokens)
      .where(eq(refreshTokens.userId, userId))
      .returning({ id: refreshTokens.id });
    const failedSignIns = await tx
      .delete(loginFailures)
      .where(eq(loginFailures.email, account.email.toLowerCase()))
      .returning({ email: loginFailures.email });
    const anonymised = await tx
      .update(users)
      .set({
        email: erasedEmail(userId),
        name: ERASED_NAME,
        // Not a hash any password verifies against: the account can never be signed in to again.
        passwordHash: "!erased",
        roles: sql`'{CUSTOMER}'::text[]`,
        deletedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(sql`${users.id} = ${userId} and ${users.deletedAt} is null`)
      .returning({ id: users.id });
    return {
      accounts: anonymised.length,
      addresses: erasedAddresses.length,
      sessions: sessions.length,
      failedSignIns: failedSignIns.length,
      // `user.registered` carried the address and name.
      publishedEvents: await forgetPublishedEvents(tx, userId),
    };
  },
};
