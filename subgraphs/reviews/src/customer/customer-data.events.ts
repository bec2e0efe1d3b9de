import { newEnvelope, startCustomerDataConsumer, type Broker, type Consumer } from "@cartograph/events";
import { mongoIdempotencyStore } from "@cartograph/events/mongo";
import type { Logger } from "@cartograph/service-kit";
import type { Db } from "mongodb";
import type { CustomerDataService } from "./customer-data.service";

/**
 * `reviews.customer-data`: answers a customer's export and erasure requests. No outbox here: the
 * reply is published at once, and a failed publish throws, so the consumer retries the
 * (idempotent) handler rather than the answer being lost.
 */
export function startCustomerDataAnswers(options: {
  broker: Broker;
  db: Db;
  log: Logger;
  queueOwner: string;
  customerData: CustomerDataService;
}): Promise<Consumer> {
  const { broker } = options;
  return startCustomerDataConsumer({
    broker,
    store: mongoIdempotencyStore(options.db),
    log: options.log,
    queueOwner: options.queueOwner,
    service: "reviews",
    handlers: options.customerData,
    send: (_, reply) => broker.publishEvent(newEnvelope(reply)),
  });
}
