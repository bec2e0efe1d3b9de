import { z } from "zod";
import type { StockRow } from "../db/schema";

/** Far above any real shelf, far below int4 overflow even after an adjustment. */
export const MAX_ON_HAND = 1_000_000;

export const onHandSchema = z
  .number()
  .int()
  .min(0, "Stock on hand cannot be negative.")
  .max(MAX_ON_HAND, `Stock on hand can be at most ${MAX_ON_HAND.toLocaleString("en-US")} units.`);

export const deltaSchema = z
  .number()
  .int()
  .refine((delta) => delta !== 0, "The adjustment must add or remove at least one unit.")
  .refine(
    (delta) => Math.abs(delta) <= MAX_ON_HAND,
    `An adjustment can move at most ${MAX_ON_HAND.toLocaleString("en-US")} units.`,
  );

export const reasonSchema = z
  .string()
  .trim()
  .min(1, "Give a reason for the adjustment.")
  .max(200, "The reason must be at most 200 characters.");

/** What the GraphQL `StockLevel` shows. */
export interface StockLevelView {
  variantId: string;
  onHand: number;
  reserved: number;
  available: number;
}

export function availableOf(row: Pick<StockRow, "onHand" | "reserved">): number {
  return row.onHand - row.reserved;
}

/** What a shopper could still reserve: 0 once the catalogue no longer sells it. */
export function reservableUnits(row: Pick<StockRow, "active" | "onHand" | "reserved"> | null | undefined): number {
  return row?.active ? Math.max(0, availableOf(row)) : 0;
}

/** A shopper can buy it now: the catalogue still sells it and a unit is not already promised. */
export function isInStock(row: Pick<StockRow, "active" | "onHand" | "reserved"> | null): boolean {
  return reservableUnits(row) > 0;
}

export function toStockLevel(row: StockRow): StockLevelView {
  return { variantId: row.variantId, onHand: row.onHand, reserved: row.reserved, available: availableOf(row) };
}
