import type { ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { PaymentsContext } from "../context";
import type { OrderRoot } from "./order.stub";

export const orderReferenceResolvers: ReferenceResolvers = {
  // Any order id resolves (orders owns existence); one payments never heard of has no payment.
  Order: {
    __resolveReference: async (reference: { id: string }, context: PaymentsContext): Promise<OrderRoot> => ({
      id: reference.id,
      payment: await context.loaders.paymentByOrderId.load(reference.id),
    }),
  },
};
