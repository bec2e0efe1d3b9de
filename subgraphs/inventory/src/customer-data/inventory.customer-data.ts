import type { CustomerDataHandlers } from "@cartograph/events";
import type { InventoryDb, InventoryExecutor } from "../db";
import { StockRepository } from "../stock/stock.repository";

/**
 * Inventory holds nothing about customers: reservations are keyed by order, not by person. The one
 * user id it keeps is the `actor` of a stock adjustment, which only staff make; it is exported, and
 * kept on deletion: the stock audit trail must still add up, and once users has anonymised the
 * account the id maps to nobody. It still answers, so users knows every service has checked.
 */
export class InventoryCustomerData implements CustomerDataHandlers<InventoryExecutor> {
  private readonly stock: StockRepository;

  constructor(db: InventoryDb) {
    this.stock = new StockRepository(db);
  }

  async exportCustomerData(tx: InventoryExecutor, userId: string) {
    const adjustments = await this.stock.adjustmentsBy(tx, userId);
    return {
      stockAdjustments: adjustments.map((adjustment) => ({
        variantId: adjustment.variantId,
        kind: adjustment.kind,
        delta: adjustment.delta,
        onHandAfter: adjustment.onHandAfter,
        reason: adjustment.reason,
        at: adjustment.createdAt.toISOString(),
      })),
    };
  }

  async eraseCustomerData() {
    return {};
  }
}
