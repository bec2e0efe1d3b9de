import path from "node:path";
import { startPostgresCustomerDataConsumer, startPublishing } from "@cartograph/events/postgres";
import { parseMoney, queueOwner, startStopping, type Logger } from "@cartograph/service-kit";
import { createJwksVerifier, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { connectPostgres, type Database } from "@cartograph/service-kit/db";
import { startMetricsServer, type RunningMetricsServer } from "@cartograph/service-kit/metrics";
import { startSubgraphServer, type RunningServer } from "@cartograph/service-kit/server";
import { CartService } from "./cart/cart.service";
import { startCatalogueConsumer } from "./catalogue/catalogue.events";
import { startCheckoutConsumer } from "./checkout/checkout.events";
import { CheckoutService } from "./checkout/checkout.service";
import type { OrdersConfig } from "./config";
import type { OrdersContext, OrdersServiceRegistry } from "./context";
import { CouponService } from "./coupon/coupon.service";
import { OrdersCustomerData } from "./customer-data/orders.customer-data";
import { schema } from "./db";
import { createOrderLoaders } from "./order/order.loaders";
import { OrderRepository } from "./order/order.repository";
import { OrderService } from "./order/order.service";
import { buildOrdersSchema } from "./schema";

export const ORDERS_SERVICE_DIR = path.resolve(__dirname, "..");

/** The running orders subgraph. `stop` is graceful: requests and events finish, connections close. */
export interface OrdersSubgraph {
  server: RunningServer;
  /** Prometheus `/metrics`, on METRICS_PORT. */
  metrics: RunningMetricsServer;
  stop: () => Promise<void>;
}

/** Wires the orders subgraph: PostgreSQL, the outbox relay, the saga, catalogue and customer data consumers, the server. */
export function startOrdersSubgraph(
  config: OrdersConfig,
  log: Logger,
  /** Tests pass an instrumented database and their own token keys; by default from DATABASE_URL and JWKS_URL. */
  given: { database?: Database<typeof schema>; verifier?: AccessTokenVerifier } = {},
): Promise<OrdersSubgraph> {
  return startStopping(async (stops) => {
    // Started first, so stopped last: scrapes see the whole shutdown.
    const metrics = stops.add("metrics server", await startMetricsServer({ config, log }));
    const database = stops.add("postgres", given.database ?? connectPostgres(config.DATABASE_URL, schema, log));
    const broker = startPublishing(stops, { pool: database.pool, config, log });

    const currency = config.STORE_CURRENCY;
    const cart = new CartService(
      database.db,
      {
        flatRate: parseMoney(config.SHIPPING_FLAT_RATE, currency),
        freeFrom: parseMoney(config.FREE_SHIPPING_THRESHOLD, currency),
      },
      currency,
    );
    const services: OrdersServiceRegistry = {
      cart,
      checkout: new CheckoutService(database.db, cart),
      coupons: new CouponService(database.db, currency),
      orders: new OrderService(database.db, log),
      currencyCode: currency,
    };
    const consumed = { broker, db: database.db, log, queueOwner: queueOwner("orders", config.EVENTS_QUEUE_NAMESPACE) };
    stops.add("catalogue consumer", await startCatalogueConsumer(consumed));
    stops.add(
      "checkout consumer",
      await startCheckoutConsumer({ ...consumed, orders: services.orders, checkout: services.checkout }),
    );
    stops.add(
      "customer data consumer",
      await startPostgresCustomerDataConsumer({
        ...consumed,
        service: "orders",
        handlers: new OrdersCustomerData(database.db),
      }),
    );
    const orders = new OrderRepository(database.db);

    const server = await startSubgraphServer<OrdersContext>({
      service: "orders",
      schema: await buildOrdersSchema(),
      config,
      log,
      verifier: given.verifier ?? createJwksVerifier(config.JWKS_URL),
      createContext: (base) => ({ ...base, services, loaders: createOrderLoaders(orders) }),
      readiness: { postgres: database.ping, rabbitmq: broker.ping },
    });
    stops.add("server", server);
    return { server, metrics };
  });
}
