import { RABBITMQ_URL } from "@cartograph/test-datastores";
import { connect } from "amqplib";

/** How many messages `queue` holds ready for delivery (not counting those delivered and not yet acked). */
export async function readyMessages(queue: string): Promise<number> {
  const connection = await connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}
