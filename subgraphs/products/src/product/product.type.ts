import { ConnectionType, Money, PublicCache, InheritCache, CACHE_MAX_AGE } from "@cartograph/service-kit/graphql";
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Category } from "../category/category.type";

@ObjectType()
@InheritCache()
export class ProductImage {
  @Field(() => String) url!: string;
  @Field(() => String, { nullable: true }) alt!: string | null;
}

@ObjectType()
@InheritCache()
export class PriceRange {
  @Field(() => Money) min!: Money;
  @Field(() => Money) max!: Money;
}

@ObjectType({ description: "Something the shop sells, in one or more variants." })
@PublicCache(CACHE_MAX_AGE.catalogue)
@Directive('@key(fields: "id")')
export class Product {
  @Field(() => ID) id!: string;
  @Field(() => String) slug!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => String, { nullable: true }) brand!: string | null;
  @Field(() => [String]) tags!: string[];
  @Field(() => [ProductImage]) images!: ProductImage[];
  @Field(() => Category, { nullable: true }) category!: Category | null;
  @Field(() => [ProductVariant], { description: "A product without options has exactly one variant." })
  variants!: ProductVariant[];
  @Field(() => PriceRange) priceRange!: PriceRange;
  @Field(() => Boolean, { description: "False once deleted: hidden from listings, still resolvable for past orders." })
  active!: boolean;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType()
@InheritCache()
export class FacetValue {
  @Field(() => String, { description: "The value to filter by (a brand, a tag, or a category id)." }) value!: string;
  @Field(() => String, { description: "What to show a shopper." }) label!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: "Counts over the whole filtered result, for refining a search." })
@InheritCache()
export class Facet {
  @Field(() => String, { description: "brand, tag or category" }) field!: string;
  @Field(() => [FacetValue]) values!: FacetValue[];
}

@ObjectType()
@InheritCache()
export class ProductConnection extends ConnectionType(Product, "Product") {
  @Field(() => [Facet]) facets!: Facet[];
}

@InputType()
export class ProductFilter {
  @Field(() => String, {
    nullable: true,
    description: "Full-text search over names, brands and descriptions, names weighing most.",
  })
  search?: string | null;
  @Field(() => ID, { nullable: true, description: "Includes the category's descendants." }) categoryId?: string | null;
  @Field(() => String, { nullable: true, description: 'Decimal amount, e.g. "10.00".' }) minPrice?: string | null;
  @Field(() => String, { nullable: true }) maxPrice?: string | null;
  @Field(() => [String], { nullable: true, description: "Any of these brands." }) brands?: string[] | null;
  @Field(() => [String], { nullable: true, description: "Any of these tags." }) tags?: string[] | null;
}

export enum ProductSortField {
  RELEVANCE = "RELEVANCE",
  PRICE = "PRICE",
  NAME = "NAME",
  CREATED_AT = "CREATED_AT",
}
registerEnumType(ProductSortField, {
  name: "ProductSortField",
  description: "RELEVANCE needs a search; without one it sorts newest first.",
});

export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(SortDirection, { name: "SortDirection" });

@InputType()
export class ProductSort {
  @Field(() => ProductSortField) field!: ProductSortField;
  @Field(() => SortDirection) direction!: SortDirection;
}

@InputType()
export class ProductImageInput {
  @Field(() => String) url!: string;
  @Field(() => String, { nullable: true }) alt?: string | null;
}

@InputType()
export class SelectedOptionInput {
  @Field(() => String) name!: string;
  @Field(() => String) value!: string;
}

@InputType()
export class VariantInput {
  @Field(() => String) sku!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { description: 'Decimal amount in the store currency, e.g. "19.99".' }) price!: string;
  @Field(() => [SelectedOptionInput], { nullable: true }) options?: SelectedOptionInput[] | null;
}

@InputType()
export class CreateProductInput {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true, description: "Derived from the name when omitted." }) slug?: string | null;
  @Field(() => String) description!: string;
  @Field(() => String, { nullable: true }) brand?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => ID, { nullable: true }) categoryId?: string | null;
  @Field(() => [ProductImageInput], { nullable: true }) images?: ProductImageInput[] | null;
  @Field(() => [VariantInput]) variants!: VariantInput[];
}

@InputType({ description: "Only the fields given change." })
export class UpdateVariantInput {
  @Field(() => String, { nullable: true }) title?: string | null;
  @Field(() => String, { nullable: true, description: 'Decimal amount in the store currency, e.g. "19.99".' })
  price?: string | null;
}

@InputType()
export class UpdateProductInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) brand?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => ID, { nullable: true }) categoryId?: string | null;
  @Field(() => [ProductImageInput], { nullable: true }) images?: ProductImageInput[] | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
}

@ObjectType()
@InheritCache()
export class SelectedOption {
  @Field(() => String) name!: string;
  @Field(() => String) value!: string;
}

@ObjectType({ description: "A purchasable version of a product (a size, a colour)." })
@PublicCache(CACHE_MAX_AGE.catalogue)
@Directive('@key(fields: "id")')
export class ProductVariant {
  @Field(() => ID) id!: string;
  @Field(() => String) sku!: string;
  @Field(() => String) title!: string;
  @Field(() => Money) price!: Money;
  @Field(() => [SelectedOption]) options!: SelectedOption[];
  @Field(() => Product) product!: Product;
}
