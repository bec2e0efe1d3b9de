import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * Where free ports are looked for: below the kernel's ephemeral range, which every outbound
 * connection (to PostgreSQL, RabbitMQ, a subgraph) draws its local port from. A port handed out
 * by `listen(0)` comes from that range, so between choosing it and a child process binding it,
 * any new connection on the machine could take it (EADDRINUSE, seen when platforms choose all
 * their ports before starting the first service).
 */
function candidateRange(): [number, number] {
  try {
    const [ephemeralLow] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    const low = Number(ephemeralLow);
    if (Number.isInteger(low) && low > 12_000) return [10_000, low - 1];
  } catch {
    // Not Linux: fall back to a range that is below every common default.
  }
  return [10_000, 32_767];
}

const canBind = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

/** A port that was free a moment ago, for a child process that needs one before it starts. */
export async function freePort(): Promise<number> {
  const [low, high] = candidateRange();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    // Random, so parallel test processes rarely pick the same one.
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port found between ${low} and ${high}`);
}
