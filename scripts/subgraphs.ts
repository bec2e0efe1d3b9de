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

const entry = (
  name: string,
  port: number,
  store: SubgraphEntry["store"],
  seed: SubgraphEntry["seed"],
  queues: string[] = [],
): SubgraphEntry => ({
  name,
  dir: path.join(repoRoot, "subgraphs", name),
  port,
  store,
  seed,
  queues,
});

export const subgraphs: SubgraphEntry[] = [
  entry("users", 4001, "postgres", "before-start"),
  // Before products: inventory's queue must be bound when the catalogue's events go out.
  entry("inventory", 4003, "postgres", "after-start", ["catalogue", "checkout"]),
  // Payments answers orders' events, so its queue must exist before the first checkout.
  entry("payments", 4005, "postgres", null, ["checkout"]),
  // Before products and orders: both follow the catalogue and learn from paid orders. The demo
  // order history is made once the catalogue's events have arrived.
  entry("reviews", 4006, "mongodb", null, ["catalogue", "purchases"]),
  entry("recommendations", 4007, "mongodb", "after-start", ["catalogue", "purchases"]),
  // Before products too: orders keeps its own copy of the catalogue's variants.
  entry("orders", 4004, "postgres", null, ["catalogue", "checkout"]),
  entry("products", 4002, "postgres", "before-start"),
];
