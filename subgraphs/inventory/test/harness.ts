import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { connectBroker, CUSTOMER_DATA_PURPOSE, queueNames, type Broker, type EventEnvelope } from "@cartograph/events";
import { createLogger, parseConfig, queueOwner } from "@cartograph/service-kit";
import { type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import {
  deleteQueueNames,
  RABBITMQ_URL,
  startSubgraphHarness,
  type SubgraphHarness,
  uniqueId as sharedUniqueId,
  waitFor,
} from "@cartograph/testing";
import { startInventorySubgraph, INVENTORY_SERVICE_DIR, type InventorySubgraph } from "../src/app";
import { inventoryEnvSchema, type InventoryConfig } from "../src/config";
import { schema } from "../src/db";
import { checkoutQueues } from "../src/reservation/reservation.events";
import { catalogueQueues } from "../src/catalogue/catalogue.events";
import { StockService } from "../src/stock/stock.service";

export { waitFor };

export type InventoryHarness = SubgraphHarness<typeof schema, InventoryConfig, InventorySubgraph> & {
  /** Publishes on the harness's own exchange, as the catalogue or orders would. */
  broker: Broker;
};

/** The inventory subgraph in-process on a random port, over its own fresh database, exchange and queues. */
export async function startInventoryHarness(
  env: Record<string, string> = {},
  { verifier }: { verifier?: AccessTokenVerifier } = {},
): Promise<InventoryHarness> {
  const harness = await startSubgraphHarness({
    label: "inventory",
    serviceDir: INVENTORY_SERVICE_DIR,
    dbSchema: schema,
    parseConfig: (values) => parseConfig(inventoryEnvSchema, values),
    start: startInventorySubgraph,
    ...(verifier ? { verifier } : {}),
    env: {
      // Tests run the sweeper themselves (sweepOnce); the timer must not race them.
      RESERVATION_SWEEP_INTERVAL_MS: "3600000",
      ...env,
    },
  });
  const broker = connectBroker({
    url: RABBITMQ_URL,
    exchange: harness.config.EVENTS_EXCHANGE,
    log: createLogger("inventory-test-broker", "silent"),
  });
  return {
    ...harness,
    broker,
    close: async () => {
      await broker.close();
      await harness.close();
      const owner = queueOwner("inventory", harness.config.EVENTS_QUEUE_NAMESPACE);
      await deleteQueueNames([
        ...Object.values(catalogueQueues(owner)),
        ...Object.values(checkoutQueues(owner)),
        ...Object.values(queueNames(owner, CUSTOMER_DATA_PURPOSE)),
      ]);
    },
  };
}

/** An id nobody else uses, readable in failures. */
export const uniqueId = (prefix = "var") => sharedUniqueId(prefix);

export function variantEvent(
  type: "variant.created" | "variant.updated",
  variant: { variantId: string; productId: string; sku?: string; active?: boolean },
  occurredAt = new Date(),
): EventEnvelope<"variant.created" | "variant.updated"> {
  return {
    id: randomUUID(),
    type,
    occurredAt: occurredAt.toISOString(),
    aggregateId: variant.variantId,
    version: 1,
    data: {
      variantId: variant.variantId,
      productId: variant.productId,
      sku: variant.sku ?? `SKU-${variant.variantId}`,
      title: "Default",
      productName: "Test product",
      price: { amount: 1999, currencyCode: "USD" },
      active: variant.active ?? true,
    },
  };
}

/**
 * A variant recorded as the catalogue consumer would, straight through the service, with
 * `onHand` units: tests of other behaviour need stock rows without waiting on the broker.
 */
export async function stockVariant(
  harness: InventoryHarness,
  { productId = uniqueId("prd"), onHand = 0, active = true, variantId = uniqueId("var") } = {},
) {
  const { db, pool } = harness.database;
  const event = variantEvent("variant.created", { variantId, productId, active });
  await db.transaction((tx) => new StockService(db).recordVariant(tx, event.data, event.occurredAt));
  await pool.query("update stock_levels set on_hand = $2 where variant_id = $1", [variantId, onHand]);
  return { variantId, productId };
}

export interface StockRowSnapshot {
  on_hand: number;
  reserved: number;
  active: boolean;
  product_id: string;
  sku: string;
}

export async function stockRow(harness: InventoryHarness, variantId: string): Promise<StockRowSnapshot | undefined> {
  const { rows } = await harness.database.pool.query<StockRowSnapshot>(
    "select on_hand, reserved, active, product_id, sku from stock_levels where variant_id = $1",
    [variantId],
  );
  return rows[0];
}
