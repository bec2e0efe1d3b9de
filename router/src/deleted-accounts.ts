import { randomUUID } from "node:crypto";
import { parseEnvelope, type Broker, type BrokerChannel } from "@cartograph/events";
import { unauthenticated, type Logger } from "@cartograph/service-kit";
import type { AccessTokenVerifier } from "@cartograph/service-kit/auth";

/**
 * How long a deleted account is remembered: the longest an access token can live (users'
 * ACCESS_TOKEN_TTL_SECONDS is at most an hour). After that every token it was given has expired,
 * and it can sign in no more (users erased its credentials).
 */
export const DELETED_ACCOUNT_MEMORY_MS = 3_600_000;

/** Accounts deleted recently: their still-unexpired access tokens are refused at the edge. */
export class DeletedAccounts {
  private readonly deletedAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  add(userId: string): void {
    this.prune();
    this.deletedAt.set(userId, this.now());
  }

  has(userId: string): boolean {
    const at = this.deletedAt.get(userId);
    return at !== undefined && this.now() - at < DELETED_ACCOUNT_MEMORY_MS;
  }

  private prune(): void {
    for (const [userId, at] of this.deletedAt)
      if (this.now() - at >= DELETED_ACCOUNT_MEMORY_MS) this.deletedAt.delete(userId);
  }
}

/** The verifier the router uses everywhere (HTTP and WebSocket): a deleted account's token is refused. */
export function refusingDeletedAccounts(verifier: AccessTokenVerifier, accounts: DeletedAccounts): AccessTokenVerifier {
  return {
    async verify(token) {
      const viewer = await verifier.verify(token);
      if (accounts.has(viewer.userId)) throw unauthenticated("This account was deleted.");
      return viewer;
    },
  };
}

/**
 * Every router process hears `user.deleted` on its own exclusive queue, so whichever replica or
 * worker a deleted customer's next request reaches refuses it. A process started after the
 * deletion does not know of it: documented (docs/architecture.md, "A customer's data on request").
 */
export async function listenForDeletedAccounts(options: {
  broker: Broker;
  queueOwner: string;
  accounts: DeletedAccounts;
  log: Logger;
}): Promise<{ stop: () => Promise<void> }> {
  const queue = `${options.queueOwner}.accounts.${randomUUID()}`;
  const channel: BrokerChannel = await options.broker.openChannel(`accounts ${queue}`, async (ch) => {
    await ch.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
    await ch.bindQueue(queue, options.broker.exchange, "user.deleted");
    await ch.consume(
      queue,
      (message) => {
        if (!message) return;
        try {
          const event = parseEnvelope(JSON.parse(message.content.toString("utf8")));
          if (event.type !== "user.deleted") return;
          options.accounts.add(event.data.userId);
          options.log.info({ userId: event.data.userId }, "a deleted account's tokens are refused from now on");
        } catch (error) {
          options.log.warn({ err: error }, "an account event the router could not read: ignored");
        }
      },
      { noAck: true },
    );
  });
  return { stop: () => channel.close() };
}
