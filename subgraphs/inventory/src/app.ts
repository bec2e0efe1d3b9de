import path from "node:path";
import { connectBroker, startOutboxRelay } from "@cartograph/events";
import {
  connectPostgres,
  createJwksVerifier,
  queueOwner,
  startSubgraphServer,
  type AccessTokenVerifier,
  type Database,
  type Logger,
  type RunningServer,
} from "@cartograph/service-kit";
import type { InventoryConfig } from "./config";
import type { InventoryContext, InventoryServices } from "./context";
import { schema } from "./db";
import { startCheckoutConsumer } from "./reservation/reservation.events";
import { ReservationService } from "./reservation/reservation.service";
import { startReservationSweeper, type ReservationSweeper } from "./reservation/reservation.sweeper";
import { buildInventorySchema } from "./schema";
import { startCatalogueConsumer } from "./stock/stock.events";
import { createStockLoaders } from "./stock/stock.loaders";
import { StockService } from "./stock/stock.service";

export const INVENTORY_SERVICE_DIR = path.resolve(__dirname, "..");

export interface InventoryService {
  server: RunningServer;
  /** The saga's primitives (used by its consumers, and by tests). */
  reservations: ReservationService;
  sweeper: ReservationSweeper;
  /** Graceful: stop taking requests and events, finish in-flight work, close connections. */
  stop: () => Promise<void>;
}

/** Wires the inventory subgraph: PostgreSQL, the catalogue and checkout consumers, the outbox relay, the sweeper, the HTTP server. */
export async function startInventoryService(
  config: InventoryConfig,
  log: Logger,
  /** Tests pass an instrumented database and their own token keys; by default from DATABASE_URL and JWKS_URL. */
  {
    database = connectPostgres(config.DATABASE_URL, schema, log),
    verifier = createJwksVerifier(config.JWKS_URL),
  }: { database?: Database<typeof schema>; verifier?: AccessTokenVerifier } = {},
): Promise<InventoryService> {
  const broker = connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log });
  // Publishes the saga's answers (inventory.reserved / inventory.rejected).
  const relay = startOutboxRelay({ pool: database.pool, broker, log });

  const services: InventoryServices = { stock: new StockService(database.db) };
  const reservations = new ReservationService(database.db, { ttlSeconds: config.RESERVATION_TTL_SECONDS });
  const queuePrefix = queueOwner("inventory", config.EVENTS_QUEUE_NAMESPACE);
  const catalogue = await startCatalogueConsumer({ broker, db: database.db, log, queuePrefix, stock: services.stock });
  const checkout = await startCheckoutConsumer({ broker, db: database.db, log, queuePrefix, reservations });
  const sweeper = startReservationSweeper({
    db: database.db,
    reservations,
    log,
    intervalMs: config.RESERVATION_SWEEP_INTERVAL_MS,
  });

  const server = await startSubgraphServer<InventoryContext>({
    service: "inventory",
    schema: await buildInventorySchema(),
    host: config.HOST,
    port: config.PORT,
    routerSecret: config.ROUTER_SECRET,
    log,
    verifier,
    createContext: (base) => ({ ...base, services, loaders: createStockLoaders(services) }),
    readiness: { postgres: database.ping, rabbitmq: broker.ping },
  });

  return {
    server,
    reservations,
    sweeper,
    stop: async () => {
      await server.stop();
      await catalogue.stop();
      await checkout.stop();
      await sweeper.stop();
      await relay.stop();
      await broker.close();
      await database.close();
    },
  };
}
