import { sweepStaleTestDatabases } from "./postgres";
import { sweepStaleTestTopology } from "./rabbitmq";

/**
 * Jest globalSetup for the projects that use the datastores: start without what killed runs left
 * behind (durable queues make a broker slow to boot; databases fill the disk).
 */
export default async function globalSetup(): Promise<void> {
  const swept = await sweepStaleTestTopology();
  const databases = await sweepStaleTestDatabases();
  const parts = [
    swept?.queues ? `${swept.queues} queues` : "",
    swept?.exchanges ? `${swept.exchanges} exchanges` : "",
    databases ? `${databases} PostgreSQL databases` : "",
  ].filter(Boolean);
  if (parts.length > 0) process.stdout.write(`\ntest datastores: deleted ${parts.join(", ")} left by earlier runs\n`);
}
