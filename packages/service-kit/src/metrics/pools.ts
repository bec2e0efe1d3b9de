import { scrapedGauge } from "./scrape";

// Connection pools of the datastores (PostgreSQL's pg.Pool, the MongoDB driver's pool), read at
// scrape time; `database` is the database the pool serves, one per service.

export const poolConnections = scrapedGauge({
  name: "cartograph_db_pool_connections",
  help: "Open connections of a database pool: `busy` (checked out) or `idle`.",
  labelNames: ["database", "state"],
});

export const poolMaxConnections = scrapedGauge({
  name: "cartograph_db_pool_max_connections",
  help: "The most connections a database pool may open.",
  labelNames: ["database"],
});

export const poolWaiting = scrapedGauge({
  name: "cartograph_db_pool_waiting_requests",
  help: "Requests waiting for a connection of a database pool (all of its connections busy).",
  labelNames: ["database"],
});
