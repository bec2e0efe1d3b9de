import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by products; reviews adds its reviews and rating summary. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Product {
  @Field(() => ID) id!: string;
}
