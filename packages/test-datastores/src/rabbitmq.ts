import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { isLeftover, uniqueStamp } from "./stamp";

export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";

/** A unique exchange/queue prefix per test file so parallel tests never see each other's events. */
export function uniqueTopologyName(label: string): string {
  return `test.${label}.${process.env.JEST_WORKER_ID ?? "0"}.${uniqueStamp()}`;
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

const execFileAsync = promisify(execFile);

/**
 * Deletes the queues and exchanges that earlier test runs left on the broker (a run that was
 * killed never reaches its teardown). They are durable, so they pile up across runs, and a broker
 * holding thousands of queues takes minutes to boot. Only names made by `uniqueTopologyName` long
 * enough ago (`isLeftover`) are touched, and only queues nobody consumes: a platform running beside
 * this run (the image smoke test starts its own before jest) keeps its retry and dead-letter queues. Listing needs `rabbitmqctl` on this machine (root or
 * the rabbitmq user); without it nothing is swept.
 */
export async function sweepStaleTestTopology(): Promise<{ queues: number; exchanges: number } | undefined> {
  const list = async (...args: string[]): Promise<string[][] | undefined> => {
    try {
      const { stdout } = await execFileAsync("rabbitmqctl", ["-q", ...args, "--no-table-headers"], {
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("\t"));
    } catch {
      return undefined;
    }
  };
  const queues = await list("list_queues", "name", "consumers");
  const exchanges = await list("list_exchanges", "name");
  if (!queues || !exchanges) return undefined;
  const isTestName = (name: string | undefined): name is string =>
    name !== undefined && name.startsWith("test.") && isLeftover(name);
  const staleQueues = queues.filter(([name, consumers]) => isTestName(name) && consumers === "0").map(([n]) => n);
  const staleExchanges = exchanges.map(([name]) => name).filter(isTestName);

  const { connect } = await import("amqplib");
  const connection = await connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of staleQueues) if (queue) await channel.deleteQueue(queue);
    for (const exchange of staleExchanges) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
  return { queues: staleQueues.length, exchanges: staleExchanges.length };
}
