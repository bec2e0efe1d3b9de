import { randomBytes } from "node:crypto";

export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";

/** A unique exchange/queue prefix per test file so parallel tests never see each other's events. */
export function uniqueTopologyName(label: string): string {
  return `test.${label}.${process.env.JEST_WORKER_ID ?? "0"}.${randomBytes(4).toString("hex")}`;
}

/** Durable queues outlive a test: delete them (with their retry and dead-letter queues). */
export async function deleteQueues(owner: string, purposes: string[]): Promise<void> {
  const { connect } = await import("amqplib");
  const connection = await connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    for (const purpose of purposes) {
      for (const suffix of ["", ".retry", ".dlq"]) await channel.deleteQueue(`${owner}.${purpose}${suffix}`);
    }
  } finally {
    await connection.close();
  }
}
