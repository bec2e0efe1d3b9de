import type { EventData } from "@cartograph/events";
import { type Viewer } from "@cartograph/service-kit/auth";
import {
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Outcome,
  type UserError,
} from "@cartograph/service-kit/graphql";
import { z } from "zod";
import type { InventoryDb, InventoryExecutor } from "../db";
import { announceStockChanged } from "./stock.events";
import { StockRepository } from "./stock.repository";
import { deltaSchema, MAX_ON_HAND, onHandSchema, reasonSchema, toStockLevel, type StockLevelView } from "./stock.rules";

const adjustmentSchema = z.object({ delta: deltaSchema, reason: reasonSchema });

const unknownVariant = () =>
  userError(UserErrorCode.NOT_FOUND, "Inventory knows no variant with this id.", ["variantId"]);

const units = (n: number) => `${n} ${n === 1 ? "unit" : "units"}`;

/** Stock levels: what shoppers see, what admins change, and inventory's copy of the catalogue. */
export class StockService {
  private readonly levels: StockRepository;

  constructor(private readonly db: InventoryDb) {
    this.levels = new StockRepository(db);
  }

  /** Sets the counted units on hand (a stocktake). It cannot drop below what orders hold. */
  async setStock(admin: Viewer, variantId: string, onHand: number): Promise<Outcome<StockLevelView>> {
    const valid = validateInput(onHandSchema, onHand, ["onHand"]);
    if (!valid.ok) return valid;
    return this.db.transaction(async (tx) => {
      // Locked so the audit's delta is exactly what this change did.
      const current = await this.levels.lock(tx, variantId);
      if (!current) return refuse(unknownVariant());
      if (valid.value < current.reserved) {
        return refuse(
          userError(
            UserErrorCode.INVALID,
            `Orders hold ${units(current.reserved)} of this variant, so stock on hand cannot be set below ${current.reserved}.`,
            ["onHand"],
          ),
        );
      }
      const updated = await this.levels.setOnHand(tx, variantId, valid.value);
      if (updated) await announceStockChanged(tx, this.levels, [variantId]);
      await this.levels.recordAdjustment(tx, {
        variantId,
        kind: "set",
        delta: updated.onHand - current.onHand,
        onHandAfter: updated.onHand,
        reason: null,
        actor: admin.userId,
      });
      return succeed(toStockLevel(updated));
    });
  }

  /** Adds or removes units (a delivery, breakage), with a reason for the audit trail. */
  async adjustStock(admin: Viewer, variantId: string, delta: number, reason: string): Promise<Outcome<StockLevelView>> {
    const valid = validateInput(adjustmentSchema, { delta, reason });
    if (!valid.ok) return valid;
    return this.db.transaction(async (tx) => {
      const updated = await this.levels.adjustOnHand(tx, variantId, valid.value.delta);
      if (updated) await announceStockChanged(tx, this.levels, [variantId]);
      if (!updated) return refuse(await this.whyNotAdjusted(tx, variantId, valid.value.delta));
      await this.levels.recordAdjustment(tx, {
        variantId,
        kind: "adjust",
        delta: valid.value.delta,
        onHandAfter: updated.onHand,
        reason: valid.value.reason,
        actor: admin.userId,
      });
      return succeed(toStockLevel(updated));
    });
  }

  // The conditional UPDATE only says "no": read the row to tell the admin which rule refused.
  private async whyNotAdjusted(tx: InventoryExecutor, variantId: string, delta: number): Promise<UserError> {
    const [row] = await this.levels.findByVariantIds([variantId], tx);
    if (!row) return unknownVariant();
    const after = row.onHand + delta;
    if (after < 0)
      return userError(
        UserErrorCode.INVALID,
        `Only ${units(row.onHand)} are on hand; you cannot remove ${units(-delta)}.`,
        ["delta"],
      );
    if (after > MAX_ON_HAND)
      return userError(
        UserErrorCode.INVALID,
        `Stock on hand can be at most ${MAX_ON_HAND.toLocaleString("en-US")} units.`,
        ["delta"],
      );
    return userError(
      UserErrorCode.INVALID,
      `Orders hold ${row.reserved} of the ${units(row.onHand)} on hand, so you can remove at most ${row.onHand - row.reserved}.`,
      ["delta"],
    );
  }

  /** Applies a catalogue event (inside the consumer's transaction, which also marks it processed). */
  async recordVariant(
    tx: InventoryExecutor,
    variant: EventData<"variant.created" | "variant.updated">,
    occurredAt: string,
  ): Promise<void> {
    const { variantId, productId, sku, active } = variant;
    await this.levels.upsertFromCatalogue(tx, { variantId, productId, sku, active }, new Date(occurredAt));
  }
}
