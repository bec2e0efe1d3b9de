import { newId } from "@cartograph/service-kit";
import type { Viewer } from "@cartograph/service-kit/auth";
import {
  buildConnection,
  parsePageArgs,
  refuse,
  succeed,
  userError,
  UserErrorCode,
  type Connection,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import type { Logger } from "@cartograph/service-kit";
import { accountCustomerData } from "../account/account.customer-data";
import { AccountRepository } from "../account/account.repository";
import type { UsersDb, UsersExecutor } from "../db";
import type { DataRequestKindValue, DataRequestRow } from "../db/schema";
import { verifyPassword } from "../session/password";
import {
  announceAccountDeleted,
  announceDataRequested,
  announceExportReady,
  type DataRequestReplyEvent,
} from "./data-request.events";
import { DataRequestRepository } from "./data-request.repository";
import { exportDocument, isExpired, statusOnceAnswered } from "./data-request.rules";

export interface DataRequestSettings {
  /** How long a finished export can be downloaded. */
  exportTtlDays: number;
}

/**
 * A customer's data on request: the export (every service sends its part, assembled here) and
 * the account's deletion (every service erases its part and says what it did). Users answers its
 * own part in the request's transaction; the replies of the others complete the request.
 */
export class DataRequestService {
  private readonly requests: DataRequestRepository;
  private readonly accounts: AccountRepository;

  constructor(
    private readonly db: UsersDb,
    private readonly settings: DataRequestSettings,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.requests = new DataRequestRepository(db);
    this.accounts = new AccountRepository(db);
  }

  /** Starts an export; while one is being assembled, asking again returns it. */
  async requestMyData(viewer: Viewer): Promise<Outcome<DataRequestRow>> {
    return succeed(
      await this.db.transaction(async (tx) => {
        await this.requests.expireExports(tx, this.now());
        const pending = await this.requests.pendingOf(tx, viewer.userId, "EXPORT");
        if (pending) return pending;
        const request = await this.start(tx, viewer.userId, "EXPORT");
        await this.requests.insertReply(tx, {
          requestId: request.id,
          service: "users",
          data: await accountCustomerData.exportCustomerData(tx, viewer.userId),
        });
        await announceDataRequested(tx, request);
        return request;
      }),
    );
  }

  /**
   * Deletes the viewer's account, re-authenticated with the password: users erases its part at
   * once (the account can no longer sign in, its sessions are gone), and `user.deleted` has every
   * other service erase theirs; the router refuses the account's tokens from then on.
   */
  async deleteMyAccount(viewer: Viewer, password: string): Promise<Outcome<DataRequestRow>> {
    const [account] = await this.accounts.findByIds([viewer.userId]);
    const live = account && account.deletedAt === null ? account : undefined;
    if (!(await verifyPassword(live?.passwordHash ?? null, password)) || !live) {
      return refuse(userError(UserErrorCode.INVALID_CREDENTIALS, "The password is incorrect.", ["password"]));
    }
    const request = await this.db.transaction(async (tx) => {
      const started = await this.start(tx, viewer.userId, "ERASURE");
      const summary = await accountCustomerData.eraseCustomerData(tx, viewer.userId);
      // Exports hold a copy of everything: they go too, with any still being assembled.
      const exports = await this.requests.discardExportsOf(tx, viewer.userId);
      await this.requests.insertReply(tx, {
        requestId: started.id,
        service: "users",
        summary: { ...summary, exports },
      });
      await announceAccountDeleted(tx, started);
      return started;
    });
    this.log.info({ requestId: request.id, userId: viewer.userId }, "account deleted; erasure requested");
    return succeed(request);
  }

  /** One service's answer: recorded once; the last one completes the request. */
  async recordReply(tx: UsersExecutor, reply: DataRequestReplyEvent): Promise<void> {
    const { requestId, service } = reply.data;
    const request = await this.requests.lock(tx, requestId);
    if (!request || request.userId !== reply.data.userId) {
      this.log.warn({ requestId, service }, "a data request reply for no known request: ignored");
      return;
    }
    // An export ended before this part came (the account was deleted, or it expired): its data is not kept.
    if (request.status !== "PENDING") return;
    const recorded = await this.requests.insertReply(tx, {
      requestId,
      service,
      ...(reply.type === "user.data_exported" ? { data: reply.data.data } : { summary: reply.data.summary }),
    });
    if (!recorded) return;
    const answered = (await this.requests.repliesOf([requestId], tx)).map((row) => row.service);
    const status = statusOnceAnswered(request.kind, answered);
    if (status === "PENDING") return;
    const completedAt = this.now();
    if (status === "READY") {
      const expiresAt = new Date(completedAt.getTime() + this.settings.exportTtlDays * 86_400_000);
      const ready = await this.requests.update(tx, requestId, { status, completedAt, expiresAt });
      if (ready) await announceExportReady(tx, { ...ready, expiresAt });
    } else {
      await this.requests.update(tx, requestId, { status, completedAt });
    }
    this.log.info({ requestId, kind: request.kind, status }, "every service answered a data request");
  }

  /** The viewer's own requests, newest first (expired exports marked so first). */
  async requestsOf(userId: string): Promise<DataRequestRow[]> {
    await this.db.transaction((tx) => this.requests.expireExports(tx, this.now()));
    return this.requests.ofUser(userId);
  }

  async listRequests(args: {
    first?: number | null;
    after?: string | null;
    kind?: DataRequestKindValue | null;
  }): Promise<Connection<DataRequestRow>> {
    const page = parsePageArgs(args, 2);
    const { rows, totalCount } = await this.requests.list({ kind: args.kind ?? null }, page);
    return buildConnection(rows, page, totalCount, (row) => [row.requestedAt.toISOString(), row.id]);
  }

  /** An export's download for its owner: null until READY, and once expired. */
  async exportDocument(request: DataRequestRow): Promise<string | null> {
    if (request.kind !== "EXPORT" || request.status !== "READY" || isExpired(request, this.now())) return null;
    return exportDocument(request, await this.requests.partsOf(request.id));
  }

  private start(tx: UsersExecutor, userId: string, kind: DataRequestKindValue): Promise<DataRequestRow> {
    return this.requests.insert(tx, { id: newId("dreq"), userId, kind, status: "PENDING", requestedAt: this.now() });
  }
}
