import { startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { mongoIdempotencyStore } from "@cartograph/events/mongo";
import type { Logger } from "@cartograph/service-kit";
import type { Db } from "mongodb";
import type { CoPurchaseRepository } from "../copurchase/copurchase.repository";
import type { CustomerDataService } from "../customer/customer-data.service";

/** `recommendations.purchases`: every paid order is kept as history and added to the counts. */
export function startPurchaseConsumer(options: {
  broker: Broker;
  db: Db;
  log: Logger;
  queueOwner: string;
  coPurchases: CoPurchaseRepository;
  customerData: Pick<CustomerDataService, "forgetIfErased">;
}): Promise<Consumer> {
  return startConsumer({
    broker: options.broker,
    store: mongoIdempotencyStore(options.db),
    log: options.log,
    service: options.queueOwner,
    purpose: "purchases",
    eventTypes: ["order.paid"],
    // One order at a time: two orders of one product touch the same counters, and FerretDB (v1)
    // applies an update by reading the document and writing it back without a lock, so
    // concurrent increments of one counter are lost there (the fault suite's exact counts).
    prefetch: 1,
    handle: async (event) => {
      const order = {
        orderId: event.data.orderId,
        userId: event.data.userId,
        lines: event.data.lines,
        paidAt: new Date(event.data.paidAt),
      };
      // History first: if applying fails half-way, the retry (or a rebuild) finds the order.
      await options.coPurchases.recordPurchases([order]);
      await options.coPurchases.applyPurchase(order);
      // Checked after, not before: an erasure running meanwhile then either sees this order or is seen here.
      await options.customerData.forgetIfErased(order.userId);
    },
  });
}
