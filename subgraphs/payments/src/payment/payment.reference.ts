import type { ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { PaymentsContext } from "../context";
import type { PaymentRow } from "../db/schema";
import { viewablePayment } from "./payment.rules";

export const paymentReferenceResolvers: ReferenceResolvers = {
  // A payment is its order owner's business, however it is reached.
  Payment: {
    __resolveReference: async (reference: { id: string }, context: PaymentsContext): Promise<PaymentRow | null> =>
      viewablePayment(context.viewer, await context.loaders.paymentById.load(reference.id)),
  },
};
