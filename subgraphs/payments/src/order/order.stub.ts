import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { PaymentRow } from "../db/schema";
import { Invoice } from "../invoice/invoice.type";
import { Payment } from "../payment/payment.type";

/** Owned by orders; payments contributes the order's payment and invoice (owner or admin only). */
@ObjectType()
@Directive('@key(fields: "id")')
export class Order {
  @Field(() => ID) id!: string;

  @Field(() => Payment, {
    nullable: true,
    description: "(owner) Null until the order reaches payments, and for an order cancelled before payment.",
  })
  payment!: Payment | null;

  @Field(() => Invoice, { nullable: true, description: "(owner) Issued when the payment succeeds." })
  invoice!: Invoice | null;
}

/** What the reference resolver hands the field resolvers: the key, and the order's payment loaded once (null if unknown). */
export interface OrderRoot {
  id: string;
  payment: PaymentRow | null;
}
