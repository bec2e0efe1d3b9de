import "reflect-metadata";
import {
  connectBroker,
  CUSTOMER_DATA_PURPOSE,
  queueNames,
  type Broker,
  type EventEnvelope,
  type EventType,
} from "@cartograph/events";
import { createLogger, parseConfig, queueOwner } from "@cartograph/service-kit";
import {
  callSubgraph,
  deleteQueueNames,
  eventEnvelope,
  RABBITMQ_URL,
  startSubgraphHarness,
  uniqueId,
  waitFor,
  type SubgraphHarness,
} from "@cartograph/testing";
import { asc, eq } from "drizzle-orm";
import { NOTIFICATIONS_SERVICE_DIR, startNotificationsSubgraph, type NotificationsSubgraph } from "../src/app";
import { notificationsEnvSchema, type NotificationsConfig } from "../src/config";
import { schema } from "../src/db";
import type { EmailDeliveryRow } from "../src/db/schema";
import { catalogueQueues } from "../src/catalogue/catalogue.events";
import { messagesQueues } from "../src/notification/notification.events";
import { startSmtpReceiver, type ParsedMail, type SmtpReceiver } from "@cartograph/testing/smtp";

export { uniqueId, waitFor };

/** Short back-offs so retries happen within a test; six attempts: 0.2 s, 0.4 s, 0.8 s, then 1 s apart. */
export const TEST_EMAIL_MAX_ATTEMPTS = 6;

export type NotificationsHarness = SubgraphHarness<typeof schema, NotificationsConfig, NotificationsSubgraph> & {
  /** Publishes on the harness's own exchange, as users and orders would. */
  broker: Broker;
  smtp: SmtpReceiver;
  /** Publishes and waits until the consumer has applied it (its inbox holds the event). */
  deliver: (event: EventEnvelope) => Promise<void>;
  gql: <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    token: string | null,
  ) => ReturnType<typeof callSubgraph<T>>;
};

/** The notifications subgraph in-process on a random port, over its own database, exchange, queues and SMTP server. */
export async function startNotificationsHarness(): Promise<NotificationsHarness> {
  const smtp = await startSmtpReceiver();
  const harness = await startSubgraphHarness({
    label: "notifications",
    serviceDir: NOTIFICATIONS_SERVICE_DIR,
    dbSchema: schema,
    parseConfig: (values) => parseConfig(notificationsEnvSchema, values),
    start: (config, log, dependencies) => startNotificationsSubgraph(config, log, dependencies),
    env: {
      SMTP_URL: smtp.url,
      EMAIL_MAX_ATTEMPTS: String(TEST_EMAIL_MAX_ATTEMPTS),
      EMAIL_RETRY_BASE_MS: "200",
      EMAIL_RETRY_MAX_MS: "1000",
      EMAIL_POLL_INTERVAL_MS: "50",
      UNSUBSCRIBE_URL: "https://shop.example.test/unsubscribe",
    },
  });
  const broker = connectBroker({
    url: RABBITMQ_URL,
    exchange: harness.config.EVENTS_EXCHANGE,
    log: createLogger("notifications-test-broker", "silent"),
  });
  const deliver = async (event: EventEnvelope) => {
    await broker.publishEvent(event);
    await waitFor(() => processed(harness, event.id), { what: `${event.type} ${event.id} to be applied` });
  };
  return {
    ...harness,
    broker,
    smtp,
    deliver,
    gql: (query, variables, token) => callSubgraph(harness.url, query, variables, { accessToken: token }),
    close: async () => {
      await broker.close();
      await harness.close();
      await smtp.close();
      const owner = queueOwner("notifications", harness.config.EVENTS_QUEUE_NAMESPACE);
      await deleteQueueNames([
        ...Object.values(messagesQueues(owner)),
        ...Object.values(catalogueQueues(owner)),
        ...Object.values(queueNames(owner, CUSTOMER_DATA_PURPOSE)),
      ]);
    },
  };
}

export async function processed(harness: { database: NotificationsHarness["database"] }, eventId: string) {
  const { rows } = await harness.database.pool.query("select 1 from processed_events where event_id = $1", [eventId]);
  return rows.length > 0;
}

export async function emailsOf(harness: NotificationsHarness, userId: string): Promise<EmailDeliveryRow[]> {
  return harness.database.db
    .select()
    .from(schema.emailDeliveries)
    .where(eq(schema.emailDeliveries.userId, userId))
    .orderBy(asc(schema.emailDeliveries.createdAt), asc(schema.emailDeliveries.id));
}

/** Messages the SMTP server accepted for one address. */
export const mailTo = (harness: NotificationsHarness, address: string): ParsedMail[] =>
  harness.smtp.received.filter((mail) => mail.to && !Array.isArray(mail.to) && mail.to.text === address);

/** A registered customer: `user.registered` delivered, so emails have an address. */
export async function registeredCustomer(harness: NotificationsHarness, name = "Ada Lovelace") {
  const userId = uniqueId("usr");
  const email = `${userId}@example.test`;
  await harness.deliver(eventEnvelope("user.registered", userId, { userId, email, name }));
  return { userId, email, name, token: harness.tokens.customer(userId) };
}

const line = (variantId: string, quantity: number, unitPrice: number) => ({
  variantId,
  productId: `prd_of_${variantId}`,
  quantity,
  unitPrice: { amount: unitPrice, currencyCode: "USD" },
});

/** `order.placed` as checkout announces it: 2 x 19.99 + 1 x 20.00, total 59.98 USD. */
export function orderPlaced(userId: string, orderId = uniqueId("ord")) {
  return eventEnvelope("order.placed", orderId, {
    orderId,
    userId,
    lines: [line("var_mug", 2, 1999), line("var_tee", 1, 2000)],
    total: { amount: 5998, currencyCode: "USD" },
    paymentToken: "tok_visa",
  });
}

export function orderEvent<T extends Extract<EventType, "order.paid" | "order.cancelled" | "order.refunded">>(
  type: T,
  userId: string,
  orderId: string,
): EventEnvelope<T> {
  const data = {
    "order.paid": {
      orderId,
      userId,
      lines: [line("var_mug", 2, 1999), line("var_tee", 1, 2000)],
      paidAt: new Date().toISOString(),
    },
    "order.cancelled": { orderId, userId, reason: "Payment declined: insufficient funds" },
    "order.refunded": { orderId, userId },
  }[type] as EventEnvelope<T>["data"];
  return eventEnvelope(type, orderId, data);
}

export function orderShipped(userId: string, orderId: string) {
  return eventEnvelope("order.status_changed", orderId, {
    orderId,
    userId,
    status: "SHIPPED",
    previousStatus: "PAID",
    reason: null,
    at: new Date().toISOString(),
  });
}
