import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by users; recommendations adds what to suggest to them. */
@ObjectType()
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID) id!: string;
}
