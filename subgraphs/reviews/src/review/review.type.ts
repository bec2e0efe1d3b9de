import { ConnectionType, UserError, PublicCache, CACHE_MAX_AGE, InheritCache } from "@cartograph/service-kit/graphql";
import { Directive, Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { Product } from "../product/product.stub";
import { User } from "../user/user.stub";

@ObjectType({ description: "A customer's rating and words about a product. Plain text: escape it when rendering." })
@PublicCache(CACHE_MAX_AGE.reviews)
@Directive('@key(fields: "id")')
export class Review {
  @Field(() => ID) id!: string;
  @Field(() => Product) product!: Product;
  @Field(() => User, {
    nullable: true,
    description: "Null once the author deleted their account: the review stays, as a former customer's.",
  })
  author!: User | null;
  @Field(() => Int, { description: "1 to 5 stars." }) rating!: number;
  @Field(() => String) title!: string;
  @Field(() => String) body!: string;
  @Field(() => Boolean, { description: "True when the author has a paid order containing the product." })
  verifiedPurchase!: boolean;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType()
@InheritCache()
export class ReviewConnection extends ConnectionType(Review, "Review") {}

@InputType()
export class AddReviewInput {
  @Field(() => ID) productId!: string;
  @Field(() => Int, { description: "1 to 5 stars." }) rating!: number;
  @Field(() => String, { description: "1 to 120 characters, trimmed." }) title!: string;
  @Field(() => String, { description: "1 to 5000 characters of plain text, trimmed." }) body!: string;
}

@ObjectType()
export class ReviewPayload {
  @Field(() => Review, { nullable: true }) review!: Review | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class DeleteReviewPayload {
  @Field(() => Boolean, { nullable: true, description: "True when the review was deleted." }) deleted!: boolean | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
