import { Address, AddressInput, ConnectionType, Money, UserError } from "@cartograph/service-kit/graphql";
import { Directive, Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { User } from "../user/user.stub";
import { ProductVariant } from "../product/product-variant.stub";
import { OrderCancellationReason, OrderStatus } from "./order.state";

@ObjectType({ description: "What was bought, as it was at checkout." })
export class OrderLine {
  @Field(() => ProductVariant) variant!: ProductVariant;
  @Field(() => String, { description: "Snapshot at checkout." }) sku!: string;
  @Field(() => String, { description: "Snapshot at checkout." }) name!: string;
  @Field(() => Int) quantity!: number;
  @Field(() => Money, { description: "Snapshot at checkout." }) unitPrice!: Money;
  @Field(() => Money) lineTotal!: Money;
}

@ObjectType()
export class OrderStatusChange {
  @Field(() => OrderStatus) status!: OrderStatus;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Date) at!: Date;
}

@ObjectType({ description: "A placed order. Visible to its customer and admins." })
@Directive('@key(fields: "id")')
export class Order {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "Human-friendly, e.g. CG-100042." }) number!: string;
  @Field(() => User) customer!: User;
  @Field(() => OrderStatus) status!: OrderStatus;
  @Field(() => OrderCancellationReason, {
    nullable: true,
    description: "Set once the order is CANCELLED; statusHistory's last reason says it in words.",
  })
  cancellationReason!: OrderCancellationReason | null;
  @Field(() => [OrderLine]) lines!: OrderLine[];
  @Field(() => Money) subtotal!: Money;
  @Field(() => Money) discount!: Money;
  @Field(() => Money) shipping!: Money;
  @Field(() => Money) total!: Money;
  @Field(() => Address) shippingAddress!: Address;
  @Field(() => [OrderStatusChange], { description: "Oldest first." }) statusHistory!: OrderStatusChange[];
  @Field(() => Date) placedAt!: Date;
}

@ObjectType()
export class OrderConnection extends ConnectionType(Order, "Order") {}

@InputType()
export class CheckoutInput {
  @Field(() => AddressInput) shippingAddress!: AddressInput;
  @Field(() => String, { description: "The payment gateway's token, e.g. tok_visa. Never a card number." })
  paymentToken!: string;
  @Field(() => String, { description: "Retrying with the same key returns the same order and never charges twice." })
  idempotencyKey!: string;
}

@ObjectType()
export class CheckoutPayload {
  @Field(() => Order, { nullable: true }) order!: Order | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class OrderPayload {
  @Field(() => Order, { nullable: true }) order!: Order | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
