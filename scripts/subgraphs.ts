import path from "node:path";

/**
 * The subgraphs that exist, in start order: a service that consumes events starts before the
 * services that produce them, so its durable queue is bound before the first event is published.
 * Adding a subgraph means adding it here and to supergraph.yaml.
 */
export interface SubgraphEntry {
  name: string;
  dir: string;
  port: number;
  /** Where it serves Prometheus `/metrics` (its METRICS_PORT default): 9400 plus its number. */
  metricsPort: number;
  /** Its own database: PostgreSQL (drizzle migrations) or MongoDB (indexes); `src/bin/migrate.ts` prepares it before start. */
  store: "postgres" | "mongodb";
  /**
   * `src/bin/seed.ts` for demo data: "before-start" runs it before any service starts (its
   * events wait in the outbox); "after-start" once everything is up (it needs events consumed).
   */
  seed: "before-start" | "after-start" | null;
  /** The purposes of its durable queues (`<service>.<purpose>`), so test runs can remove theirs. */
  queues: string[];
}

export const repoRoot = path.resolve(__dirname, "..");

/** The router's ports, as its env schema defaults them: GraphQL, and Prometheus `/metrics`. */
export const routerPorts = { port: 4000, metricsPort: 9400 } as const;

const entry = (
  name: string,
  port: number,
  metricsPort: number,
  store: SubgraphEntry["store"],
  seed: SubgraphEntry["seed"],
  queues: string[] = [],
): SubgraphEntry => ({
  name,
  dir: path.join(repoRoot, "subgraphs", name),
  port,
  metricsPort,
  store,
  seed,
  queues,
});

export const subgraphs: SubgraphEntry[] = [
  // First: it hears from users (user.registered), orders (the order's life) and products (variant
  // names for emails), so both its queues must be bound before any of those relays its outbox.
  entry("notifications", 4008, 9408, "postgres", null, ["messages", "catalogue"]),
  entry("users", 4001, 9401, "postgres", "before-start"),
  // Before products: inventory's queue must be bound when the catalogue's events go out.
  entry("inventory", 4003, 9403, "postgres", "after-start", ["catalogue", "checkout"]),
  // Payments answers orders' events, so its queue must exist before the first checkout.
  entry("payments", 4005, 9405, "postgres", null, ["checkout"]),
  // Before products and orders: both follow the catalogue and learn from paid orders. The demo
  // order history is made once the catalogue's events have arrived.
  entry("reviews", 4006, 9406, "mongodb", null, ["catalogue", "purchases"]),
  entry("recommendations", 4007, 9407, "mongodb", "after-start", ["catalogue", "purchases"]),
  // Before products too: orders keeps its own copy of the catalogue's variants.
  entry("orders", 4004, 9404, "postgres", null, ["catalogue", "checkout"]),
  entry("products", 4002, 9402, "postgres", "before-start"),
];
