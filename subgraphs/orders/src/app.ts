import path from "node:path";
import { connectBroker, startOutboxRelay } from "@cartograph/events";
import {
  connectPostgres,
  createJwksVerifier,
  parseMoney,
  queueOwner,
  startSubgraphServer,
  type AccessTokenVerifier,
  type Database,
  type Logger,
  type RunningServer,
} from "@cartograph/service-kit";
import { CartService } from "./cart/cart.service";
import { startCatalogueConsumer } from "./catalogue/catalogue.events";
import type { OrdersConfig } from "./config";
import type { OrdersContext, OrdersServices } from "./context";
import { CouponService } from "./coupon/coupon.service";
import { schema } from "./db";
import { CheckoutService } from "./order/checkout.service";
import { startCheckoutConsumer } from "./order/order.events";
import { createOrderLoaders } from "./order/order.loaders";
import { OrderService } from "./order/order.service";
import { buildOrdersSchema } from "./schema";

export const ORDERS_SERVICE_DIR = path.resolve(__dirname, "..");

export interface OrdersService {
  server: RunningServer;
  stop: () => Promise<void>;
}

/** Wires the orders subgraph: PostgreSQL, the outbox relay, the saga and catalogue consumers, the server. */
export async function startOrdersService(
  config: OrdersConfig,
  log: Logger,
  {
    database = connectPostgres(config.DATABASE_URL, schema, log),
    verifier = createJwksVerifier(config.JWKS_URL),
  }: { database?: Database<typeof schema>; verifier?: AccessTokenVerifier } = {},
): Promise<OrdersService> {
  const broker = connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log });
  const relay = startOutboxRelay({ pool: database.pool, broker, log });
  const currency = config.STORE_CURRENCY;
  const cart = new CartService(
    database.db,
    {
      flatRate: parseMoney(config.SHIPPING_FLAT_RATE, currency),
      freeFrom: parseMoney(config.FREE_SHIPPING_THRESHOLD, currency),
    },
    currency,
  );
  const services: OrdersServices = {
    cart,
    checkout: new CheckoutService(database.db, cart),
    coupons: new CouponService(database.db, currency),
    orders: new OrderService(database.db, log),
    currencyCode: currency,
  };
  const owner = queueOwner("orders", config.EVENTS_QUEUE_NAMESPACE);
  const consumers = [
    await startCatalogueConsumer({ broker, db: database.db, log, queueOwner: owner }),
    await startCheckoutConsumer({ broker, db: database.db, log, queueOwner: owner, orders: services.orders }),
  ];

  const server = await startSubgraphServer<OrdersContext>({
    service: "orders",
    schema: await buildOrdersSchema(),
    host: config.HOST,
    port: config.PORT,
    routerSecret: config.ROUTER_SECRET,
    log,
    verifier,
    createContext: (base) => ({ ...base, services, loaders: createOrderLoaders(services.orders.orders) }),
    readiness: { postgres: database.ping, rabbitmq: broker.ping },
  });

  return {
    server,
    stop: async () => {
      await server.stop();
      for (const consumer of consumers) await consumer.stop();
      await relay.stop();
      await broker.close();
      await database.close();
    },
  };
}
