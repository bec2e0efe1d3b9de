import { newestFirstPage } from "@cartograph/service-kit/db";
import type { PageRequest } from "@cartograph/service-kit/graphql";
import { and, count, desc, eq, inArray, lte } from "drizzle-orm";
import type { UsersExecutor } from "../db";
import {
  dataRequestReplies,
  dataRequests,
  type DataRequestKindValue,
  type DataRequestReplyRow,
  type DataRequestRow,
} from "../db/schema";

export type NewDataRequestReply = Omit<typeof dataRequestReplies.$inferInsert, "receivedAt">;

/** Data requests and their replies; writes run in the caller's transaction. */
export class DataRequestRepository {
  constructor(private readonly db: UsersExecutor) {}

  async insert(tx: UsersExecutor, row: typeof dataRequests.$inferInsert): Promise<DataRequestRow> {
    const [created] = await tx.insert(dataRequests).values(row).returning();
    return created!;
  }

  /** False when this service already answered this request (a redelivered reply). */
  async insertReply(tx: UsersExecutor, reply: NewDataRequestReply): Promise<boolean> {
    const rows = await tx
      .insert(dataRequestReplies)
      .values(reply)
      .onConflictDoNothing()
      .returning({ service: dataRequestReplies.service });
    return rows.length === 1;
  }

  /** The request, locked until the transaction ends: replies arriving together decide completion one at a time. */
  async lock(tx: UsersExecutor, id: string): Promise<DataRequestRow | undefined> {
    const [row] = await tx.select().from(dataRequests).where(eq(dataRequests.id, id)).for("update");
    return row;
  }

  async update(
    tx: UsersExecutor,
    id: string,
    changes: Partial<Pick<DataRequestRow, "status" | "completedAt" | "expiresAt">>,
  ): Promise<DataRequestRow | undefined> {
    const [row] = await tx.update(dataRequests).set(changes).where(eq(dataRequests.id, id)).returning();
    return row;
  }

  /** Replies without their data (what admins and the trail see). */
  async repliesOf(
    requestIds: readonly string[],
    tx: UsersExecutor = this.db,
  ): Promise<Array<Omit<DataRequestReplyRow, "data">>> {
    if (requestIds.length === 0) return [];
    return tx
      .select({
        requestId: dataRequestReplies.requestId,
        service: dataRequestReplies.service,
        summary: dataRequestReplies.summary,
        receivedAt: dataRequestReplies.receivedAt,
      })
      .from(dataRequestReplies)
      .where(inArray(dataRequestReplies.requestId, [...requestIds]));
  }

  /** An export's parts, for its download. */
  async partsOf(requestId: string): Promise<Array<Pick<DataRequestReplyRow, "service" | "data">>> {
    return this.db
      .select({ service: dataRequestReplies.service, data: dataRequestReplies.data })
      .from(dataRequestReplies)
      .where(eq(dataRequestReplies.requestId, requestId));
  }

  async findById(id: string): Promise<DataRequestRow | undefined> {
    const [row] = await this.db.select().from(dataRequests).where(eq(dataRequests.id, id));
    return row;
  }

  async pendingOf(tx: UsersExecutor, userId: string, kind: DataRequestKindValue): Promise<DataRequestRow | undefined> {
    const [row] = await tx
      .select()
      .from(dataRequests)
      .where(and(eq(dataRequests.userId, userId), eq(dataRequests.kind, kind), eq(dataRequests.status, "PENDING")))
      .limit(1);
    return row;
  }

  async ofUser(userId: string): Promise<DataRequestRow[]> {
    return this.db
      .select()
      .from(dataRequests)
      .where(eq(dataRequests.userId, userId))
      .orderBy(desc(dataRequests.requestedAt), desc(dataRequests.id));
  }

  /** Newest first; keyset on (requested_at, id). */
  async list(
    filter: { kind?: DataRequestKindValue | null },
    page: PageRequest,
  ): Promise<{ rows: DataRequestRow[]; totalCount: number }> {
    const keyset = newestFirstPage(dataRequests.requestedAt, dataRequests.id, page);
    const kind = filter.kind ? eq(dataRequests.kind, filter.kind) : undefined;
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(dataRequests)
        .where(and(kind, keyset.where))
        .orderBy(...keyset.orderBy)
        .limit(page.limit + 1),
      this.db.select({ value: count() }).from(dataRequests).where(kind),
    ]);
    return { rows, totalCount: total?.value ?? 0 };
  }

  /** Ends the user's exports (assembled or not) and drops their parts' data: the account is being erased. */
  async discardExportsOf(tx: UsersExecutor, userId: string): Promise<number> {
    const exports = await tx
      .update(dataRequests)
      .set({ status: "EXPIRED", expiresAt: new Date() })
      .where(
        and(
          eq(dataRequests.userId, userId),
          eq(dataRequests.kind, "EXPORT"),
          inArray(dataRequests.status, ["PENDING", "READY"]),
        ),
      )
      .returning({ id: dataRequests.id });
    await tx
      .update(dataRequestReplies)
      .set({ data: null })
      .where(
        inArray(
          dataRequestReplies.requestId,
          tx.select({ id: dataRequests.id }).from(dataRequests).where(eq(dataRequests.userId, userId)),
        ),
      );
    return exports.length;
  }

  /** Expires READY exports past their time and drops their parts' data; returns how many. */
  async expireExports(tx: UsersExecutor, now: Date): Promise<number> {
    const expired = await tx
      .update(dataRequests)
      .set({ status: "EXPIRED" })
      .where(and(eq(dataRequests.status, "READY"), lte(dataRequests.expiresAt, now)))
      .returning({ id: dataRequests.id });
    if (expired.length > 0)
      await tx
        .update(dataRequestReplies)
        .set({ data: null })
        .where(
          inArray(
            dataRequestReplies.requestId,
            expired.map((row) => row.id),
          ),
        );
    return expired.length;
  }
}
