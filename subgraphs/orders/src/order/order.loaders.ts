import DataLoader from "dataloader";
import type { OrderLineRow, OrderRow, OrderStatusChangeRow } from "../db/schema";
import type { OrderRepository } from "./order.repository";

export interface OrderLoaders {
  orderById: DataLoader<string, OrderRow | null>;
  linesByOrderId: DataLoader<string, OrderLineRow[]>;
  historyByOrderId: DataLoader<string, OrderStatusChangeRow[]>;
}

function groupedBy<V>(keys: readonly string[], rows: V[], keyOf: (row: V) => string): V[][] {
  const groups = new Map<string, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/** Per request: one query per entity type however many references a query plan sends. */
export function createOrderLoaders(orders: OrderRepository): OrderLoaders {
  return {
    orderById: new DataLoader(async (ids) => {
      const byId = new Map((await orders.findByIds(ids)).map((order) => [order.id, order]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    linesByOrderId: new DataLoader(async (ids) => groupedBy(ids, await orders.linesOf(ids), (line) => line.orderId)),
    historyByOrderId: new DataLoader(async (ids) => groupedBy(ids, await orders.historyOf(ids), (change) => change.orderId)),
  };
}
