import { InheritCache } from "./cache";
import { Directive, Field, ObjectType } from "type-graphql";
import { formatMinorUnits } from "../money";

@ObjectType({
  description: "An amount of money. Never a float: `amount` is a decimal string with the currency's minor units.",
})
@Directive("@shareable")
@InheritCache()
export class Money {
  @Field(() => String, { description: 'Decimal string, e.g. "59.97".' })
  amount!: string;

  @Field(() => String, { description: "ISO 4217 currency code." })
  currencyCode!: string;
}

export function money(minor: number, currencyCode: string): Money {
  return Object.assign(new Money(), { amount: formatMinorUnits(minor, currencyCode), currencyCode });
}
