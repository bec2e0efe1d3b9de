import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by users; notifications adds a user's notifications, unread count and preferences. */
@ObjectType()
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID) id!: string;
}
