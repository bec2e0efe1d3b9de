import path from "node:path";
import { startPostgresCustomerDataConsumer, startPublishing } from "@cartograph/events/postgres";
import { queueOwner, startStopping, type Logger } from "@cartograph/service-kit";
import { createJwksVerifier, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { connectPostgres, type Database } from "@cartograph/service-kit/db";
import { startMetricsServer, type RunningMetricsServer } from "@cartograph/service-kit/metrics";
import { startSubgraphServer, type RunningServer } from "@cartograph/service-kit/server";
import { createCategoryLoaders } from "./category/category.loaders";
import { CategoryRepository } from "./category/category.repository";
import { CategoryService } from "./category/category.service";
import type { ProductsConfig } from "./config";
import type { ProductsContext, ProductsServiceRegistry } from "./context";
import { productsCustomerData } from "./customer-data/products.customer-data";
import { schema } from "./db";
import { createProductLoaders } from "./product/product.loaders";
import { ProductRepository } from "./product/product.repository";
import { ProductService } from "./product/product.service";
import { buildProductsSchema } from "./schema";

export const PRODUCTS_SERVICE_DIR = path.resolve(__dirname, "..");

/** The running products subgraph. `stop` is graceful: requests finish, the relay drains, connections close. */
export interface ProductsSubgraph {
  server: RunningServer;
  /** Prometheus `/metrics`, on METRICS_PORT. */
  metrics: RunningMetricsServer;
  stop: () => Promise<void>;
}

/** Wires the products subgraph: PostgreSQL, the outbox relay to RabbitMQ, the customer data consumer, and the HTTP server. */
export function startProductsSubgraph(
  config: ProductsConfig,
  log: Logger,
  /** Tests pass an instrumented database and their own token keys; by default from DATABASE_URL and JWKS_URL. */
  given: { database?: Database<typeof schema>; verifier?: AccessTokenVerifier } = {},
): Promise<ProductsSubgraph> {
  return startStopping(async (stops) => {
    // Started first, so stopped last: scrapes see the whole shutdown.
    const metrics = stops.add("metrics server", await startMetricsServer({ config, log }));
    const database = stops.add("postgres", given.database ?? connectPostgres(config.DATABASE_URL, schema, log));
    const broker = startPublishing(stops, { pool: database.pool, config, log });

    const services: ProductsServiceRegistry = {
      products: new ProductService(database.db, config.STORE_CURRENCY),
      categories: new CategoryService(database.db),
      currencyCode: config.STORE_CURRENCY,
    };
    stops.add(
      "customer data consumer",
      await startPostgresCustomerDataConsumer({
        broker,
        db: database.db,
        log,
        queueOwner: queueOwner("products", config.EVENTS_QUEUE_NAMESPACE),
        service: "products",
        handlers: productsCustomerData,
      }),
    );
    const products = new ProductRepository(database.db);
    const categories = new CategoryRepository(database.db);

    const server = await startSubgraphServer<ProductsContext>({
      service: "products",
      schema: await buildProductsSchema(),
      config,
      log,
      verifier: given.verifier ?? createJwksVerifier(config.JWKS_URL),
      createContext: (base) => ({
        ...base,
        services,
        loaders: { ...createProductLoaders(products), ...createCategoryLoaders(categories) },
      }),
      readiness: { postgres: database.ping, rabbitmq: broker.ping },
    });
    stops.add("server", server);
    return { server, metrics };
  });
}
