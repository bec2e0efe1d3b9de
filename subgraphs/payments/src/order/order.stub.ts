import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { PaymentRow } from "../db/schema";

/**
 * Owned by orders, by key; payments contributes the order's payment and invoice (owner or admin
 * only), declared by their field resolvers in order.resolver.ts.
 */
@ObjectType()
@Directive('@key(fields: "id")')
export class Order {
  @Field(() => ID) id!: string;
}

/** What the reference resolver hands the field resolvers: the key, and the order's payment loaded once (null if unknown). */
export interface OrderRoot {
  id: string;
  payment: PaymentRow | null;
}
