import { newestFirstPage } from "@cartograph/service-kit/db";
import type { PageRequest } from "@cartograph/service-kit/graphql";
import { count, eq, inArray, sql } from "drizzle-orm";
import type { UsersExecutor } from "../db";
import { users, type UserRow } from "../db/schema";

export class AccountRepository {
  constructor(private readonly db: UsersExecutor) {}

  async findByIds(ids: readonly string[]): Promise<UserRow[]> {
    return this.db
      .select()
      .from(users)
      .where(inArray(users.id, [...ids]));
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
    return row;
  }

  async insert(tx: UsersExecutor, row: typeof users.$inferInsert): Promise<UserRow> {
    const [created] = await tx.insert(users).values(row).returning();
    return created!;
  }

  async update(
    id: string,
    changes: Partial<Pick<UserRow, "name" | "roles" | "passwordHash">>,
  ): Promise<UserRow | undefined> {
    const [row] = await this.db
      .update(users)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return row;
  }

  /** Newest first; keyset on (created_at, id) so pages never skip or repeat. */
  async listNewestFirst(page: PageRequest): Promise<{ rows: UserRow[]; totalCount: number }> {
    const keyset = newestFirstPage(users.createdAt, users.id, page);
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(users)
        .where(keyset.where)
        .orderBy(...keyset.orderBy)
        .limit(page.limit + 1),
      this.db.select({ value: count() }).from(users),
    ]);
    return { rows, totalCount: total?.value ?? 0 };
  }
}
