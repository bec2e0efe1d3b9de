import { setTimeout as sleep } from "node:timers/promises";
import { connect } from "amqplib";
import { count, eq } from "drizzle-orm";
import type { Logger } from "@cartograph/service-kit";
import type { InventoryDb } from "../db";
import { processedEvents } from "../db/schema";
import { catalogueQueues } from "../catalogue/catalogue.events";

/**
 * Waits until the catalogue's variant events have all reached inventory: its queue and retry
 * queue hold nothing and no event was applied for `quietMs`. AMQP cannot count unacked
 * deliveries, so "nothing applied lately" (the inbox count standing still) stands in for
 * "nothing in flight". Resolves false after `timeoutMs` (the seed then goes on with what it has).
 */
export async function waitForCatalogueToSettle(
  { rabbitmqUrl, queueOwner, db, log }: { rabbitmqUrl: string; queueOwner: string; db: InventoryDb; log: Logger },
  { timeoutMs = 60_000, quietMs = 2_000, pollMs = 250 } = {},
): Promise<boolean> {
  const queues = catalogueQueues(queueOwner);
  const connection = await connect(rabbitmqUrl);
  try {
    const channel = await connection.createChannel();
    // A missing queue closes the channel with an error event; the rejected checkQueue says enough.
    channel.on("error", () => undefined);
    const waiting = async () => {
      const [main, retry] = await Promise.all([channel.checkQueue(queues.queue), channel.checkQueue(queues.retry)]);
      return main.messageCount + retry.messageCount;
    };
    const applied = async () => {
      const [row] = await db
        .select({ n: count() })
        .from(processedEvents)
        .where(eq(processedEvents.consumer, queues.queue));
      return row?.n ?? 0;
    };
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      const [queued, done] = await Promise.all([waiting(), applied()]);
      if (queued > 0 || done !== last) quietSince = Date.now();
      else if (Date.now() - quietSince >= quietMs) return true;
      last = done;
      await sleep(pollMs);
    }
    log.warn({ queue: queues.queue, timeoutMs }, "catalogue events still arriving; seeding the variants known so far");
    return false;
  } catch (err) {
    log.warn(
      { err, queue: queues.queue },
      "cannot inspect the catalogue queue (is the inventory service running?); seeding the variants known so far",
    );
    return false;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
