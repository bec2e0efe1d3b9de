import { requireOwnerOrAdmin } from "@cartograph/service-kit/auth";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { SignedInOnly } from "@cartograph/service-kit/graphql";
import type { PaymentsContext } from "../context";
import type { InvoiceRow, PaymentRow } from "../db/schema";
import { Invoice } from "../invoice/invoice.type";
import { viewablePayment } from "../payment/payment.rules";
import { Payment } from "../payment/payment.type";
import { Order, type OrderRoot } from "./order.stub";

@Resolver(() => Order)
export class OrderResolver {
  @FieldResolver(() => Payment, {
    nullable: true,
    description: "(owner) Null until the order reaches payments, and for an order cancelled before payment.",
  })
  payment(@Root() order: OrderRoot, @Ctx() ctx: PaymentsContext): PaymentRow | null {
    return viewablePayment(ctx.viewer, order.payment);
  }

  @SignedInOnly()
  @FieldResolver(() => Invoice, { nullable: true, description: "(owner) Issued when the payment succeeds." })
  async invoice(@Root() order: OrderRoot, @Ctx() ctx: PaymentsContext): Promise<InvoiceRow | null> {
    // No payment, no invoice; the payment's owner is the invoice's.
    if (!order.payment) return null;
    requireOwnerOrAdmin(ctx.viewer, order.payment.userId);
    return ctx.loaders.invoiceByOrderId.load(order.id);
  }
}
