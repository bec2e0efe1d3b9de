import { Money } from "@cartograph/service-kit/graphql";
import { Field, Int, ObjectType } from "type-graphql";
import { ProductVariant } from "../product/product-variant.stub";

@ObjectType({ description: "One line of an invoice, as the order was placed." })
export class InvoiceLine {
  @Field(() => ProductVariant) variant!: ProductVariant;
  @Field(() => Int) quantity!: number;
  @Field(() => Money) unitPrice!: Money;
  @Field(() => Money, { description: "quantity x unitPrice." }) lineTotal!: Money;
}

@ObjectType({ description: "The bill for a paid order. Numbers are sequential without gaps." })
export class Invoice {
  @Field(() => String, { description: 'e.g. "INV-000042".' }) number!: string;
  @Field(() => Date) issuedAt!: Date;
  @Field(() => [InvoiceLine]) lines!: InvoiceLine[];
  @Field(() => Money, { description: "What was charged for the order." }) total!: Money;
}
