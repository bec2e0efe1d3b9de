import { Field, ID, InputType, ObjectType } from "type-graphql";

@ObjectType({ description: "A postal address of a user." })
export class Address {
  @Field(() => ID) id!: string;
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2!: string | null;
  @Field(() => String) city!: string;
  @Field(() => String) postalCode!: string;
  @Field(() => String, { description: "ISO 3166-1 alpha-2 code, e.g. \"US\"." }) country!: string;
  @Field(() => Boolean) isDefault!: boolean;
}

@InputType()
export class AddressInput {
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2?: string | null;
  @Field(() => String) city!: string;
  @Field(() => String) postalCode!: string;
  @Field(() => String, { description: "ISO 3166-1 alpha-2 code, e.g. \"US\"." }) country!: string;
  @Field(() => Boolean, { nullable: true, description: "Make this the default address. A user's first address is always the default." })
  isDefault?: boolean | null;
}
