import { PublicCache, CACHE_MAX_AGE } from "@cartograph/service-kit/graphql";
import { Role } from "@cartograph/service-kit/auth";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Address } from "../address/address.type";

@ObjectType({ description: "A shopper or staff member." })
@PublicCache(CACHE_MAX_AGE.profiles)
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID) id!: string;

  @Field(() => String, { description: "Visible to the user and admins only." })
  email!: string;

  @Field(() => String) name!: string;

  @Field(() => [Role], { description: "Visible to the user and admins only." })
  roles!: Role[];

  @Field(() => [Address], { description: "Visible to the user and admins only." })
  addresses!: Address[];

  @Field(() => Date) createdAt!: Date;
}
