import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Owned by users; reviews adds the reviews a user wrote. */
@ObjectType()
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID) id!: string;
}
