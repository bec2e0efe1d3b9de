import type { Logger } from "pino";
import type { Broker } from "./broker";
import type { EventOf, NewEvent } from "./catalogue";
import { startConsumer, type Consumer } from "./consumer";
import type { IdempotencyStore } from "./idempotency";

/** The requests every service holding customer data answers, on its `<service>.customer-data` queue. */
export const CUSTOMER_DATA_REQUESTS = ["user.data_requested", "user.deleted"] as const;
export type CustomerDataRequest = EventOf<(typeof CUSTOMER_DATA_REQUESTS)[number]>;
export type CustomerDataReply = NewEvent<"user.data_exported"> | NewEvent<"user.erased">;

/** The queue purpose: `<service>.customer-data`. */
export const CUSTOMER_DATA_PURPOSE = "customer-data";

/**
 * What one service does with a customer's data on request. Both run in the inbox's unit of work
 * (a PostgreSQL transaction, or MongoDB's idempotent unit), so an answer is given once per request.
 */
export interface CustomerDataHandlers<Tx> {
  /**
   * Everything this service holds about the customer, as plain JSON: no secrets, no other
   * customer's data, no card data beyond brand and last four.
   */
  exportCustomerData(tx: Tx, userId: string): Promise<Record<string, unknown>>;
  /**
   * Removes or anonymises it. Idempotent: a second run finds nothing left and counts zeros.
   * Returns what was done as counts per kind (`{ addresses: 2, ordersAnonymised: 3 }`), the audit
   * record: never personal data.
   */
  eraseCustomerData(tx: Tx, userId: string): Promise<Record<string, number>>;
}

/** The reply to one request: this service's part of the export, or its erasure summary. */
export async function answerCustomerDataRequest<Tx>(
  service: string,
  handlers: CustomerDataHandlers<Tx>,
  event: CustomerDataRequest,
  tx: Tx,
): Promise<CustomerDataReply> {
  const { requestId, userId } = event.data;
  if (event.type === "user.data_requested") {
    const data = await handlers.exportCustomerData(tx, userId);
    return { type: "user.data_exported", aggregateId: userId, data: { requestId, userId, service, data } };
  }
  const summary = await handlers.eraseCustomerData(tx, userId);
  return { type: "user.erased", aggregateId: userId, data: { requestId, userId, service, summary } };
}

/**
 * The one way a service takes part in customers' data requests: it answers `user.data_requested`
 * and `user.deleted` with `handlers`, and `send`s the reply in the same unit of work (PostgreSQL:
 * `enqueueEvent(tx, reply)`, so the answer commits with the erasure; MongoDB: publish, and throw
 * when that fails, so the idempotent handler runs again rather than the answer being lost).
 */
export function startCustomerDataConsumer<Tx>(options: {
  broker: Broker;
  store: IdempotencyStore<Tx>;
  log: Logger;
  /** The queue owner (`queueOwner(service, namespace)`). */
  queueOwner: string;
  /** The service's own name, as the reply states it (`orders`, `reviews`, ...). */
  service: string;
  handlers: CustomerDataHandlers<Tx>;
  send: (tx: Tx, reply: CustomerDataReply) => Promise<unknown>;
}): Promise<Consumer> {
  const { log, service, handlers } = options;
  return startConsumer({
    broker: options.broker,
    store: options.store,
    log,
    service: options.queueOwner,
    purpose: CUSTOMER_DATA_PURPOSE,
    eventTypes: CUSTOMER_DATA_REQUESTS,
    handle: async (event, tx) => {
      const reply = await answerCustomerDataRequest(service, handlers, event, tx);
      await options.send(tx, reply);
      log.info({ requestId: event.data.requestId, type: event.type, service }, "answered a customer data request");
    },
  });
}
