import { randomBytes } from "node:crypto";

export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";

/** A unique exchange/queue prefix per test file so parallel tests never see each other's events. */
export function uniqueTopologyName(label: string): string {
  return `test.${label}.${process.env.JEST_WORKER_ID ?? "0"}.${randomBytes(4).toString("hex")}`;
}

/** Durable queues outlive a test: delete them by name. */
export async function deleteQueueNames(queues: string[]): Promise<void> {
  const { connect } = await import("amqplib");
  const connection = await connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
  } finally {
    await connection.close();
  }
}

/** A service's queues for these purposes, with their retry and dead-letter queues. */
export function deleteQueues(owner: string, purposes: string[]): Promise<void> {
  return deleteQueueNames(
    purposes.flatMap((purpose) => ["", ".retry", ".dlq"].map((suffix) => `${owner}.${purpose}${suffix}`)),
  );
}
