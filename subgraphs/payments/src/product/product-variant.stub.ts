import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by products; invoice lines only point at it, so payments never resolves one. */
@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
export class ProductVariant {
  @Field(() => ID) id!: string;
}
