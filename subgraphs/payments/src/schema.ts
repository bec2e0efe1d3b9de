import { buildFederatedSchema } from "@cartograph/service-kit/graphql";
import type { GraphQLSchema } from "graphql";
import { InvoiceResolver } from "./invoice/invoice.resolver";
import { OrderResolver } from "./order/order.resolver";
import { orderReferenceResolvers } from "./order/order.reference";
import { Order } from "./order/order.stub";
import { paymentReferenceResolvers } from "./payment/payment.reference";
import { PaymentResolver, RefundResolver } from "./payment/payment.resolver";

export function buildPaymentsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [PaymentResolver, RefundResolver, OrderResolver, InvoiceResolver],
    // Reached through _entities as well as Payment.order: listed so it is in the schema either way.
    orphanedTypes: [Order],
    referenceResolvers: { ...paymentReferenceResolvers, ...orderReferenceResolvers },
  });
}
