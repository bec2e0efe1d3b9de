import { Role, requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, toPayload } from "@cartograph/service-kit/graphql";
import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { InventoryContext } from "../context";
import { AdjustStockArgs, SetStockArgs, StockLevel, StockPayload } from "./stock-level.type";

@Resolver(() => StockLevel)
export class StockResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => StockPayload, {
    description: "(admin) Sets the units on hand after a count. Cannot go below what is reserved.",
  })
  async setStock(@Args(() => SetStockArgs) { variantId, onHand }: SetStockArgs, @Ctx() ctx: InventoryContext) {
    return toPayload("stock", await ctx.services.stock.setStock(requireViewer(ctx.viewer), variantId, onHand));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => StockPayload, {
    description: "(admin) Adds or removes units on hand, with a reason for the audit trail.",
  })
  async adjustStock(
    @Args(() => AdjustStockArgs) { variantId, delta, reason }: AdjustStockArgs,
    @Ctx() ctx: InventoryContext,
  ) {
    return toPayload(
      "stock",
      await ctx.services.stock.adjustStock(requireViewer(ctx.viewer), variantId, delta, reason),
    );
  }
}
