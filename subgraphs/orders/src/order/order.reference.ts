import { requireOwnerOrAdmin } from "@cartograph/service-kit/auth";
import { type ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { OrdersContext } from "../context";

export const orderReferenceResolvers: ReferenceResolvers = {
  Order: {
    // Entity resolution follows the same rule as `order(id)`: the customer or an admin.
    __resolveReference: async (reference: { id: string }, context: OrdersContext) => {
      const order = await context.loaders.orderById.load(reference.id);
      if (order) requireOwnerOrAdmin(context.viewer, order.userId);
      return order;
    },
  },
  User: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  },
};
