import { Money, UserError } from "@cartograph/service-kit/graphql";
import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Order } from "../order/order.stub";

export enum PaymentStatus {
  PENDING = "PENDING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
  REFUNDED = "REFUNDED",
  PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED",
}
registerEnumType(PaymentStatus, {
  name: "PaymentStatus",
  description: "Where the money of an order stands.",
  valuesConfig: {
    PENDING: { description: "Waiting for the order's stock to be reserved before the card is charged." },
    SUCCEEDED: { description: "Charged in full." },
    FAILED: { description: "The charge was declined; `failureReason` says why." },
    REFUNDED: { description: "Everything charged has been refunded." },
    PARTIALLY_REFUNDED: { description: "Part of the charge has been refunded." },
  },
});

@ObjectType({ description: "The card a payment was charged to, as the gateway describes it (never the card number)." })
export class PaymentMethod {
  @Field(() => String, { description: 'The card network, e.g. "Visa"; "Unknown" until a card has been charged.' })
  brand!: string;

  @Field(() => String, { description: 'The last four digits of the card; "" until a card has been charged.' })
  last4!: string;
}

@ObjectType({ description: "Money given back to the shopper from a payment." })
export class Refund {
  @Field(() => ID) id!: string;
  @Field(() => Money) amount!: Money;
  @Field(() => String, { nullable: true, description: "Why, as the admin who refunded wrote it." }) reason!:
    | string
    | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType({ description: "The payment of one order: charged once its stock is reserved, refundable by admins." })
@Directive('@key(fields: "id")')
export class Payment {
  @Field(() => ID) id!: string;
  @Field(() => Order) order!: Order;
  @Field(() => Money, { description: "What the order costs, and what is charged." }) amount!: Money;
  @Field(() => PaymentStatus) status!: PaymentStatus;
  @Field(() => PaymentMethod, {
    description: 'The card charged; brand "Unknown" and last4 "" when no card was charged (pending or declined).',
  })
  method!: PaymentMethod;
  @Field(() => String, {
    nullable: true,
    description: "Why the charge failed, in words a shopper can read; null unless FAILED.",
  })
  failureReason!: string | null;
  @Field(() => [Refund], { description: "Oldest first." }) refunds!: Refund[];
  @Field(() => Money, { description: "The sum of the refunds so far." }) refundedAmount!: Money;
  @Field(() => Date, { nullable: true, description: "When the charge succeeded." }) paidAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType()
export class PaymentPayload {
  @Field(() => Payment, { nullable: true }) payment!: Payment | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
