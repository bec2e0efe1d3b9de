import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by orders; a notification about an order points at it by key (nothing is added to it here). */
@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
export class Order {
  @Field(() => ID) id!: string;
}
