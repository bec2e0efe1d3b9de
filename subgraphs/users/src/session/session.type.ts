import { UserError } from "@cartograph/service-kit/graphql";
import { Field, InputType, Int, ObjectType } from "type-graphql";
import { User } from "../account/user.type";

@InputType()
export class RegisterInput {
  @Field(() => String) email!: string;
  @Field(() => String, { description: "At least 8 characters." }) password!: string;
  @Field(() => String) name!: string;
}

@ObjectType({ description: "Tokens for a signed-in session, or why none were issued." })
export class AuthPayload {
  @Field(() => String, {
    nullable: true,
    description: "RS256 JWT for `Authorization: Bearer`, valid `expiresIn` seconds.",
  })
  accessToken!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Opaque; exchange it with `refreshToken` for new tokens. Single use.",
  })
  refreshToken!: string | null;

  @Field(() => Int, { nullable: true, description: "Seconds until the access token expires." })
  expiresIn!: number | null;

  @Field(() => User, { nullable: true }) user!: User | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class LogoutPayload {
  @Field(() => Boolean, { nullable: true, description: "True when the session was ended." }) success!: boolean | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
