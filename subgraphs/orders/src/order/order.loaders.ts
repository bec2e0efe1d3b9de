import { rowsByKey, rowsGroupedByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { OrderLineRow, OrderRow, OrderStatusChangeRow } from "../db/schema";
import type { OrderRepository } from "./order.repository";

export interface OrderLoaders {
  orderById: DataLoader<string, OrderRow | null>;
  linesByOrderId: DataLoader<string, OrderLineRow[]>;
  historyByOrderId: DataLoader<string, OrderStatusChangeRow[]>;
}

/** Per request: one query per entity type however many references a query plan sends. */
export function createOrderLoaders(orders: OrderRepository): OrderLoaders {
  return {
    orderById: new DataLoader(async (ids) => rowsByKey(ids, await orders.findByIds(ids), (order) => order.id)),
    linesByOrderId: new DataLoader(async (ids) =>
      rowsGroupedByKey(ids, await orders.linesOf(ids), (line) => line.orderId),
    ),
    historyByOrderId: new DataLoader(async (ids) =>
      rowsGroupedByKey(ids, await orders.historyOf(ids), (change) => change.orderId),
    ),
  };
}
