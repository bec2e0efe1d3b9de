import { and, asc, count, desc, eq, inArray, sql } from "drizzle-orm";
import type { UsersExecutor } from "../db";
import { addresses, type AddressRow } from "../db/schema";

export class AddressRepository {
  constructor(private readonly db: UsersExecutor) {}

  async findByUserIds(userIds: readonly string[]): Promise<AddressRow[]> {
    return this.db
      .select()
      .from(addresses)
      .where(inArray(addresses.userId, [...userIds]))
      .orderBy(desc(addresses.isDefault), asc(addresses.createdAt), asc(addresses.id));
  }

  async countForUser(tx: UsersExecutor, userId: string): Promise<number> {
    const [row] = await tx.select({ value: count() }).from(addresses).where(eq(addresses.userId, userId));
    return row?.value ?? 0;
  }

  async clearDefault(tx: UsersExecutor, userId: string): Promise<void> {
    await tx
      .update(addresses)
      .set({ isDefault: false })
      .where(and(eq(addresses.userId, userId), eq(addresses.isDefault, true)));
  }

  async insert(tx: UsersExecutor, row: typeof addresses.$inferInsert): Promise<AddressRow> {
    const [created] = await tx.insert(addresses).values(row).returning();
    return created!;
  }

  async deleteOwned(tx: UsersExecutor, userId: string, id: string): Promise<AddressRow | undefined> {
    const [removed] = await tx
      .delete(addresses)
      .where(and(eq(addresses.id, id), eq(addresses.userId, userId)))
      .returning();
    return removed;
  }

  /** After the default is removed, the oldest remaining address takes its place. */
  async promoteOldestToDefault(tx: UsersExecutor, userId: string): Promise<void> {
    const [oldest] = await tx
      .select({ id: addresses.id })
      .from(addresses)
      .where(eq(addresses.userId, userId))
      .orderBy(asc(addresses.createdAt), asc(addresses.id))
      .limit(1);
    if (oldest) await tx.update(addresses).set({ isDefault: true }).where(eq(addresses.id, oldest.id));
  }

  /** Serialises address changes of one user (count limit, single default) without a table lock. */
  async lockUser(tx: UsersExecutor, userId: string): Promise<void> {
    await tx.execute(sql`select id from users where id = ${userId} for update`);
  }
}
