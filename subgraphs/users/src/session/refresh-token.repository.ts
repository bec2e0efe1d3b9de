import { and, eq, gt, isNull } from "drizzle-orm";
import type { UsersExecutor } from "../db";
import { refreshTokens, type RefreshTokenRow } from "../db/schema";

export class RefreshTokenRepository {
  insert(tx: UsersExecutor, row: typeof refreshTokens.$inferInsert): Promise<unknown> {
    return tx.insert(refreshTokens).values(row);
  }

  /**
   * Marks a live token as used, atomically: of two concurrent refreshes with one token, exactly
   * one gets the row back; the other sees it as reuse.
   */
  async consume(tx: UsersExecutor, tokenHash: string, now: Date): Promise<RefreshTokenRow | undefined> {
    const [row] = await tx
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(
        and(
          eq(refreshTokens.tokenHash, tokenHash),
          isNull(refreshTokens.rotatedAt),
          isNull(refreshTokens.revokedAt),
          gt(refreshTokens.expiresAt, now),
        ),
      )
      .returning();
    return row;
  }

  recordSuccessor(tx: UsersExecutor, id: string, successor: string): Promise<unknown> {
    return tx.update(refreshTokens).set({ successor }).where(eq(refreshTokens.id, id));
  }

  async findByHash(tx: UsersExecutor, tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
    return row;
  }

  async revokeFamily(tx: UsersExecutor, familyId: string, now: Date): Promise<number> {
    const revoked = await tx
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id });
    return revoked.length;
  }
}
