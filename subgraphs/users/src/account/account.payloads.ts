import { UserError } from "@cartograph/service-kit/graphql";
import { Field, InputType, ObjectType } from "type-graphql";
import { Address } from "../address/address.type";
import { User } from "./user.type";

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true }) name?: string | null;
}

@ObjectType()
export class UserPayload {
  @Field(() => User, { nullable: true }) user!: User | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class AddressPayload {
  @Field(() => Address, { nullable: true }) address!: Address | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class RemoveAddressPayload {
  @Field(() => Boolean, { nullable: true, description: "True when the address was removed." }) removed!: boolean | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
