import path from "node:path";
import { startPostgresCustomerDataConsumer, startPublishing } from "@cartograph/events/postgres";
import { queueOwner, startStopping, type Logger } from "@cartograph/service-kit";
import { createJwksVerifier, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { connectPostgres, type Database } from "@cartograph/service-kit/db";
import { startMetricsServer, type RunningMetricsServer } from "@cartograph/service-kit/metrics";
import { startSubgraphServer, type RunningServer } from "@cartograph/service-kit/server";
import type { InventoryConfig } from "./config";
import type { InventoryContext, InventoryServiceRegistry } from "./context";
import { InventoryCustomerData } from "./customer-data/inventory.customer-data";
import { schema } from "./db";
import { startCheckoutConsumer } from "./reservation/reservation.events";
import { ReservationService } from "./reservation/reservation.service";
import { startReservationSweeper, type ReservationSweeper } from "./reservation/reservation.sweeper";
import { buildInventorySchema } from "./schema";
import { startCatalogueConsumer } from "./catalogue/catalogue.events";
import { createStockLoaders } from "./stock/stock.loaders";
import { StockRepository } from "./stock/stock.repository";
import { StockService } from "./stock/stock.service";

export const INVENTORY_SERVICE_DIR = path.resolve(__dirname, "..");

/** The running inventory subgraph. `stop` is graceful: requests and events finish, connections close. */
export interface InventorySubgraph {
  server: RunningServer;
  /** Prometheus `/metrics`, on METRICS_PORT. */
  metrics: RunningMetricsServer;
  /** The saga's primitives (used by its consumers, and by tests). */
  reservations: ReservationService;
  sweeper: ReservationSweeper;
  stop: () => Promise<void>;
}

/** Wires the inventory subgraph: PostgreSQL, the catalogue, checkout and customer data consumers, the outbox relay, the sweeper, the HTTP server. */
export function startInventorySubgraph(
  config: InventoryConfig,
  log: Logger,
  /** Tests pass an instrumented database and their own token keys; by default from DATABASE_URL and JWKS_URL. */
  given: { database?: Database<typeof schema>; verifier?: AccessTokenVerifier } = {},
): Promise<InventorySubgraph> {
  return startStopping(async (stops) => {
    // Started first, so stopped last: scrapes see the whole shutdown.
    const metrics = stops.add("metrics server", await startMetricsServer({ config, log }));
    const database = stops.add("postgres", given.database ?? connectPostgres(config.DATABASE_URL, schema, log));
    // Publishes the saga's answers (inventory.reserved / inventory.rejected).
    const broker = startPublishing(stops, { pool: database.pool, config, log });

    const services: InventoryServiceRegistry = { stock: new StockService(database.db) };
    const reservations = new ReservationService(database.db, { ttlSeconds: config.RESERVATION_TTL_SECONDS });
    const owner = queueOwner("inventory", config.EVENTS_QUEUE_NAMESPACE);
    const consumed = { broker, db: database.db, log, queueOwner: owner };
    stops.add("catalogue consumer", await startCatalogueConsumer({ ...consumed, stock: services.stock }));
    stops.add("checkout consumer", await startCheckoutConsumer({ ...consumed, reservations }));
    stops.add(
      "customer data consumer",
      await startPostgresCustomerDataConsumer({
        ...consumed,
        service: "inventory",
        handlers: new InventoryCustomerData(database.db),
      }),
    );
    const sweeper = stops.add(
      "reservation sweeper",
      startReservationSweeper({
        db: database.db,
        reservations,
        log,
        intervalMs: config.RESERVATION_SWEEP_INTERVAL_MS,
      }),
    );
    const levels = new StockRepository(database.db);

    const server = await startSubgraphServer<InventoryContext>({
      service: "inventory",
      schema: await buildInventorySchema(),
      config,
      log,
      verifier: given.verifier ?? createJwksVerifier(config.JWKS_URL),
      createContext: (base) => ({ ...base, services, loaders: createStockLoaders(levels) }),
      readiness: { postgres: database.ping, rabbitmq: broker.ping },
    });
    stops.add("server", server);
    return { server, metrics, reservations, sweeper };
  });
}
