import { UserError, PublicCache, CACHE_MAX_AGE } from "@cartograph/service-kit/graphql";
import { Directive, Field, ID, InputType, ObjectType } from "type-graphql";

@ObjectType({ description: "A node of the category tree." })
@PublicCache(CACHE_MAX_AGE.catalogue)
@Directive('@key(fields: "id")')
export class Category {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) slug!: string;
}

@InputType()
export class CreateCategoryInput {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true, description: "Derived from the name when omitted." }) slug?: string | null;
  @Field(() => ID, { nullable: true }) parentId?: string | null;
}

@ObjectType()
export class CategoryPayload {
  @Field(() => Category, { nullable: true }) category!: Category | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
