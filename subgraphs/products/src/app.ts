import path from "node:path";
import { connectBroker, startOutboxRelay } from "@cartograph/events";
import {
  connectPostgres,
  createJwksVerifier,
  startSubgraphServer,
  type AccessTokenVerifier,
  type Database,
  type Logger,
  type RunningServer,
} from "@cartograph/service-kit";
import { createCatalogLoaders } from "./catalog/catalog.loaders";
import { ProductService } from "./catalog/product.service";
import { CategoryService } from "./category/category.service";
import type { ProductsConfig } from "./config";
import type { ProductsContext, ProductsServices } from "./context";
import { schema } from "./db";
import { buildProductsSchema } from "./schema";

export const PRODUCTS_SERVICE_DIR = path.resolve(__dirname, "..");

export interface ProductsService {
  server: RunningServer;
  stop: () => Promise<void>;
}

/** Wires the products subgraph: PostgreSQL, the outbox relay to RabbitMQ, and the HTTP server. */
export async function startProductsService(
  config: ProductsConfig,
  log: Logger,
  {
    database = connectPostgres(config.DATABASE_URL, schema, log),
    verifier = createJwksVerifier(config.JWKS_URL),
  }: { database?: Database<typeof schema>; verifier?: AccessTokenVerifier } = {},
): Promise<ProductsService> {
  const broker = connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log });
  const relay = startOutboxRelay({ pool: database.pool, broker, log });
  const services: ProductsServices = {
    products: new ProductService(database.db, config.STORE_CURRENCY),
    categories: new CategoryService(database.db),
    currencyCode: config.STORE_CURRENCY,
  };

  const server = await startSubgraphServer<ProductsContext>({
    service: "products",
    schema: await buildProductsSchema(),
    host: config.HOST,
    port: config.PORT,
    routerSecret: config.ROUTER_SECRET,
    log,
    verifier,
    createContext: (base) => ({ ...base, services, loaders: createCatalogLoaders(services) }),
    readiness: { postgres: database.ping, rabbitmq: broker.ping },
  });

  return {
    server,
    stop: async () => {
      await server.stop();
      await relay.stop();
      await broker.close();
      await database.close();
    },
  };
}
