import { Directive, Field, ID, ObjectType } from "type-graphql";

/** The users service's User, by key, with the orders this service adds to it. */
@ObjectType()
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID) id!: string;
}
