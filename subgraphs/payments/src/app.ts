import path from "node:path";
import { startPostgresCustomerDataConsumer, startPublishing } from "@cartograph/events/postgres";
import { queueOwner, startStopping, type Logger } from "@cartograph/service-kit";
import { createJwksVerifier, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { connectPostgres, type Database } from "@cartograph/service-kit/db";
import { startMetricsServer, type RunningMetricsServer } from "@cartograph/service-kit/metrics";
import { startSubgraphServer, type RunningServer } from "@cartograph/service-kit/server";
import { startCheckoutConsumer } from "./checkout/checkout.events";
import { CheckoutService } from "./checkout/checkout.service";
import type { PaymentsConfig } from "./config";
import type { PaymentsContext, PaymentsServiceRegistry } from "./context";
import { schema } from "./db";
import { PaymentsCustomerData } from "./customer-data/payments.customer-data";
import { createPaymentGateway } from "./gateway/create-gateway";
import type { PaymentGateway } from "./gateway/payment-gateway";
import { InvoiceRepository } from "./invoice/invoice.repository";
import { InvoiceService } from "./invoice/invoice.service";
import { createPaymentLoaders } from "./payment/payment.loaders";
import { PaymentRepository } from "./payment/payment.repository";
import { PaymentService } from "./payment/payment.service";
import { buildPaymentsSchema } from "./schema";

export const PAYMENTS_SERVICE_DIR = path.resolve(__dirname, "..");

/** The running payments subgraph. `stop` is graceful: requests and events finish, connections close. */
export interface PaymentsSubgraph {
  server: RunningServer;
  /** Prometheus `/metrics`, on METRICS_PORT. */
  metrics: RunningMetricsServer;
  /** The saga's steps (used by its consumer, and by tests). */
  checkout: CheckoutService;
  gateway: PaymentGateway;
  stop: () => Promise<void>;
}

export interface PaymentsDependencies {
  database?: Database<typeof schema>;
  verifier?: AccessTokenVerifier;
  gateway?: PaymentGateway;
}

/** Wires the payments subgraph: PostgreSQL, the gateway, the checkout and customer data consumers, the outbox relay, the HTTP server. */
export function startPaymentsSubgraph(
  config: PaymentsConfig,
  log: Logger,
  /**
   * Tests pass an instrumented database, their own token keys and a gateway they can watch; by
   * default from DATABASE_URL, JWKS_URL and PAYMENT_GATEWAY.
   */
  given: PaymentsDependencies = {},
): Promise<PaymentsSubgraph> {
  return startStopping(async (stops) => {
    // Started first, so stopped last: scrapes see the whole shutdown.
    const metrics = stops.add("metrics server", await startMetricsServer({ config, log }));
    if (config.PAYMENT_GATEWAY === "test" && config.NODE_ENV === "production") {
      log.warn("PAYMENT_GATEWAY=test in production: test tokens are accepted and no money moves");
    }
    const database = stops.add("postgres", given.database ?? connectPostgres(config.DATABASE_URL, schema, log));
    // The test gateway stands in for an outside service: its own connections, so a charge made
    // while a saga transaction holds one of ours never waits for a connection of our pool.
    const gateway =
      given.gateway ??
      createPaymentGateway(
        config,
        stops.add("gateway's postgres", connectPostgres(config.DATABASE_URL, schema, log, { max: 4 })).db,
      );
    const broker = startPublishing(stops, { pool: database.pool, config, log });

    const invoices = new InvoiceService(database.db);
    const services: PaymentsServiceRegistry = { payments: new PaymentService(database.db, gateway, log), invoices };
    const checkout = new CheckoutService(database.db, gateway, invoices, services.payments);
    const consumed = { broker, log, queueOwner: queueOwner("payments", config.EVENTS_QUEUE_NAMESPACE) };
    stops.add("checkout consumer", await startCheckoutConsumer({ ...consumed, db: database.db, checkout }));
    stops.add(
      "customer data consumer",
      await startPostgresCustomerDataConsumer({
        ...consumed,
        db: database.db,
        service: "payments",
        handlers: new PaymentsCustomerData(database.db),
      }),
    );
    const loaderSources = {
      payments: new PaymentRepository(database.db),
      invoices: new InvoiceRepository(database.db),
    };

    const server = await startSubgraphServer<PaymentsContext>({
      service: "payments",
      schema: await buildPaymentsSchema(),
      config,
      log,
      verifier: given.verifier ?? createJwksVerifier(config.JWKS_URL),
      createContext: (base) => ({ ...base, services, loaders: createPaymentLoaders(loaderSources) }),
      readiness: { postgres: database.ping, rabbitmq: broker.ping },
    });
    stops.add("server", server);
    return { server, metrics, checkout, gateway };
  });
}
