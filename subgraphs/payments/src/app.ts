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
import { startCheckoutConsumer } from "./checkout/checkout.events";
import { CheckoutService } from "./checkout/checkout.service";
import type { PaymentsConfig } from "./config";
import type { PaymentsContext, PaymentsServices } from "./context";
import { schema } from "./db";
import { createPaymentGateway } from "./gateway/create-gateway";
import type { PaymentGateway } from "./gateway/payment-gateway";
import { InvoiceService } from "./invoice/invoice.service";
import { createPaymentLoaders } from "./payment/payment.loaders";
import { PaymentService } from "./payment/payment.service";
import { buildPaymentsSchema } from "./schema";

export const PAYMENTS_SERVICE_DIR = path.resolve(__dirname, "..");

export interface PaymentsService {
  server: RunningServer;
  /** The saga's steps (used by its consumer, and by tests). */
  checkout: CheckoutService;
  gateway: PaymentGateway;
  /** Graceful: stop taking requests and events, finish in-flight work, close connections. */
  stop: () => Promise<void>;
}

export interface PaymentsDependencies {
  database?: Database<typeof schema>;
  verifier?: AccessTokenVerifier;
  gateway?: PaymentGateway;
}

/** Wires the payments subgraph: PostgreSQL, the gateway, the checkout consumer, the outbox relay, the HTTP server. */
export async function startPaymentsService(
  config: PaymentsConfig,
  log: Logger,
  /**
   * Tests pass an instrumented database, their own token keys and a gateway they can watch; by
   * default from DATABASE_URL, JWKS_URL and PAYMENT_GATEWAY.
   */
  {
    database = connectPostgres(config.DATABASE_URL, schema, log),
    verifier = createJwksVerifier(config.JWKS_URL),
    ...given
  }: PaymentsDependencies = {},
): Promise<PaymentsService> {
  if (config.PAYMENT_GATEWAY === "test" && config.NODE_ENV === "production") {
    log.warn("PAYMENT_GATEWAY=test in production: test tokens are accepted and no money moves");
  }
  // The test gateway stands in for an outside service: its own connections, so a charge made
  // while a saga transaction holds one of ours never waits for a connection of our pool.
  const gatewayDatabase = given.gateway ? undefined : connectPostgres(config.DATABASE_URL, schema, log, { max: 4 });
  const gateway = given.gateway ?? createPaymentGateway(config, gatewayDatabase!.db);
  const broker = connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log });
  const relay = startOutboxRelay({ pool: database.pool, broker, log });

  const invoices = new InvoiceService(database.db);
  const services: PaymentsServices = { payments: new PaymentService(database.db, gateway, log), invoices };
  const checkout = new CheckoutService(database.db, gateway, invoices, services.payments);
  const consumer = await startCheckoutConsumer({
    broker,
    db: database.db,
    log,
    queueOwner: queueOwner("payments", config.EVENTS_QUEUE_NAMESPACE),
    checkout,
  });

  const server = await startSubgraphServer<PaymentsContext>({
    service: "payments",
    schema: await buildPaymentsSchema(),
    host: config.HOST,
    port: config.PORT,
    routerSecret: config.ROUTER_SECRET,
    log,
    verifier,
    createContext: (base) => ({ ...base, services, loaders: createPaymentLoaders(services) }),
    readiness: { postgres: database.ping, rabbitmq: broker.ping },
  });

  return {
    server,
    checkout,
    gateway,
    stop: async () => {
      await server.stop();
      await consumer.stop();
      await relay.stop();
      await broker.close();
      await gatewayDatabase?.close();
      await database.close();
    },
  };
}
