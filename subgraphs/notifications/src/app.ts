import path from "node:path";
import { startPostgresCustomerDataConsumer, startPublishing } from "@cartograph/events/postgres";
import { queueOwner, startStopping, type Logger } from "@cartograph/service-kit";
import { createJwksVerifier, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { connectPostgres, type Database } from "@cartograph/service-kit/db";
import { startMetricsServer, type RunningMetricsServer } from "@cartograph/service-kit/metrics";
import { startSubgraphServer, type RunningServer } from "@cartograph/service-kit/server";
import { startCatalogueConsumer } from "./catalogue/catalogue.events";
import type { NotificationsConfig } from "./config";
import type { NotificationsContext, NotificationsServiceRegistry } from "./context";
import { CustomerDataRepository } from "./customer/customer-data.repository";
import { CustomerDataService } from "./customer/customer-data.service";
import { ErasedCustomerRepository } from "./customer/erased-customer.repository";
import { schema } from "./db";
import { startEmailSender } from "./email/email.sender";
import { createSmtpMailer, type Mailer } from "./email/mailer";
import { DispatchService } from "./notification/dispatch.service";
import { startMessagesConsumer } from "./notification/notification.events";
import { createNotificationLoaders } from "./notification/notification.loaders";
import { NotificationRepository } from "./notification/notification.repository";
import { NotificationService } from "./notification/notification.service";
import { PreferenceRepository } from "./preference/preference.repository";
import { PreferenceService } from "./preference/preference.service";
import { buildNotificationsSchema } from "./schema";
import { WishlistAlertService } from "./wishlist/wishlist-alert.service";
import { WishlistService } from "./wishlist/wishlist.service";

export const NOTIFICATIONS_SERVICE_DIR = path.resolve(__dirname, "..");

/** The running notifications subgraph. `stop` is graceful: requests, events and the send in flight finish. */
export interface NotificationsSubgraph {
  server: RunningServer;
  /** Prometheus `/metrics`, on METRICS_PORT. */
  metrics: RunningMetricsServer;
  stop: () => Promise<void>;
}

export interface NotificationsDependencies {
  database?: Database<typeof schema>;
  verifier?: AccessTokenVerifier;
  mailer?: Mailer;
}

/** Wires the notifications subgraph: PostgreSQL, the events consumers, the email sender, the HTTP server. */
export function startNotificationsSubgraph(
  config: NotificationsConfig,
  log: Logger,
  /** Tests pass an instrumented database and their own token keys; by default from DATABASE_URL, JWKS_URL and SMTP_URL. */
  given: NotificationsDependencies = {},
): Promise<NotificationsSubgraph> {
  return startStopping(async (stops) => {
    // Started first, so stopped last: scrapes see the whole shutdown.
    const metrics = stops.add("metrics server", await startMetricsServer({ config, log }));
    const database = stops.add("postgres", given.database ?? connectPostgres(config.DATABASE_URL, schema, log));
    // Publishes `notification.added` from the outbox, for the router's `notificationAdded`.
    const broker = startPublishing(stops, { pool: database.pool, config, log });

    const mailer = stops.add(
      "mailer",
      given.mailer ?? createSmtpMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM }),
    );
    stops.add(
      "email sender",
      startEmailSender({
        db: database.db,
        mailer,
        log,
        maxAttempts: config.EMAIL_MAX_ATTEMPTS,
        retryBaseMs: config.EMAIL_RETRY_BASE_MS,
        retryMaxMs: config.EMAIL_RETRY_MAX_MS,
        pollIntervalMs: config.EMAIL_POLL_INTERVAL_MS,
      }),
    );
    const dispatch = new DispatchService(database.db, {
      secret: config.UNSUBSCRIBE_SECRET,
      ttlDays: config.UNSUBSCRIBE_TOKEN_TTL_DAYS,
      url: config.UNSUBSCRIBE_URL,
    });
    const owner = queueOwner("notifications", config.EVENTS_QUEUE_NAMESPACE);
    stops.add(
      "catalogue consumer",
      await startCatalogueConsumer({
        broker,
        db: database.db,
        log,
        queueOwner: owner,
        watcher: new WishlistAlertService(database.db, dispatch),
      }),
    );
    stops.add(
      "messages consumer",
      await startMessagesConsumer({
        broker,
        db: database.db,
        log,
        queueOwner: owner,
        dispatch,
      }),
    );
    stops.add(
      "customer data consumer",
      await startPostgresCustomerDataConsumer({
        broker,
        db: database.db,
        log,
        queueOwner: owner,
        service: "notifications",
        handlers: new CustomerDataService(new CustomerDataRepository(), new ErasedCustomerRepository()),
      }),
    );

    const services: NotificationsServiceRegistry = {
      notifications: new NotificationService(database.db),
      preferences: new PreferenceService(database.db, config.UNSUBSCRIBE_SECRET),
      wishlists: new WishlistService(database.db),
    };
    const loaderSources = {
      notifications: new NotificationRepository(database.db),
      preferences: new PreferenceRepository(database.db),
    };
    const server = await startSubgraphServer<NotificationsContext>({
      service: "notifications",
      schema: await buildNotificationsSchema(),
      config,
      log,
      verifier: given.verifier ?? createJwksVerifier(config.JWKS_URL),
      createContext: (base) => ({ ...base, services, loaders: createNotificationLoaders(loaderSources) }),
      readiness: { postgres: database.ping, rabbitmq: broker.ping },
    });
    stops.add("server", server);
    return { server, metrics };
  });
}
