import { Directive, Field, ID, ObjectType } from "type-graphql";

/** The catalogue's variant, by key only: products resolves the rest. */
@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
export class ProductVariant {
  @Field(() => ID) id!: string;
}

export const variantRef = (id: string) => ({ id });
