import { Role, requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, Money, money, toPayload } from "@cartograph/service-kit/graphql";
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { PaymentsContext } from "../context";
import type { PaymentRow, RefundRow } from "../db/schema";
import { Order, type OrderRoot } from "../order/order.stub";
import { methodOf, publicStatus, viewablePayment } from "./payment.rules";
import { Payment, PaymentMethod, PaymentPayload, PaymentStatus, Refund } from "./payment.type";

// An argument class keeps the SDL's argument order as written (API.md's order).
@ArgsType()
export class RefundPaymentArgs {
  @Field(() => ID) paymentId!: string;
  @Field(() => String, {
    nullable: true,
    description: 'A decimal string such as "12.50"; omitted for everything not yet refunded.',
  })
  amount?: string | null;
  @Field(() => String, { nullable: true, description: "Why, for the shopper and the books: at most 500 characters." })
  reason?: string | null;
}

@Resolver(() => Payment)
export class PaymentResolver {
  @Query(() => Payment, { nullable: true, description: "(owner) A payment by id." })
  async payment(@Arg("id", () => ID) id: string, @Ctx() ctx: PaymentsContext): Promise<PaymentRow | null> {
    return viewablePayment(ctx.viewer, await ctx.loaders.paymentById.load(id));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PaymentPayload, { description: "(admin) Refunds all that is left of a payment, or `amount` of it." })
  async refundPayment(@Args(() => RefundPaymentArgs) args: RefundPaymentArgs, @Ctx() ctx: PaymentsContext) {
    return toPayload("payment", await ctx.services.payments.refundPayment(requireViewer(ctx.viewer), args));
  }

  @FieldResolver(() => Order)
  order(@Root() payment: PaymentRow): OrderRoot {
    return { id: payment.orderId, payment };
  }

  @FieldResolver(() => Money)
  amount(@Root() payment: PaymentRow): Money {
    return money(payment.amount, payment.currencyCode);
  }

  @FieldResolver(() => PaymentStatus)
  status(@Root() payment: PaymentRow): PaymentStatus {
    const status = publicStatus(payment.status);
    // Cancelled payments are filtered out before they reach a field; one here is a bug.
    if (!status) throw new Error(`payment ${payment.id} is ${payment.status}, which the API does not show`);
    return status;
  }

  @FieldResolver(() => PaymentMethod)
  method(@Root() payment: PaymentRow): PaymentMethod {
    return methodOf(payment);
  }

  @FieldResolver(() => [Refund])
  refunds(@Root() payment: PaymentRow, @Ctx() ctx: PaymentsContext): Promise<RefundRow[]> {
    return ctx.loaders.refundsByPaymentId.load(payment.id);
  }

  @FieldResolver(() => Money)
  refundedAmount(@Root() payment: PaymentRow): Money {
    return money(payment.refundedAmount, payment.currencyCode);
  }
}

@Resolver(() => Refund)
export class RefundResolver {
  @FieldResolver(() => Money)
  amount(@Root() refund: RefundRow): Money {
    return money(refund.amount, refund.currencyCode);
  }
}
