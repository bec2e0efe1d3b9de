import { Role } from "@cartograph/service-kit/auth";
import { Authorized, PublicCache, CACHE_MAX_AGE } from "@cartograph/service-kit/graphql";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { StockRow } from "../db/schema";
import { StockLevel } from "../stock/stock-level.type";

/** Owned by products; inventory contributes whether it can be bought, and its stock. */
@ObjectType()
@PublicCache(CACHE_MAX_AGE.catalogue)
@Directive('@key(fields: "id")')
export class ProductVariant {
  @Field(() => ID) id!: string;

  @Field(() => Boolean, { description: "True when at least one unit can be bought now." })
  inStock!: boolean;

  // Counts of units are the shop's business, not the shoppers': admins only. (Declared on the
  // field, not its resolver: type-graphql takes a field's directives from where it is declared.)
  @Authorized(Role.ADMIN)
  @Field(() => StockLevel, {
    nullable: true,
    description: "(admin) Units on hand and reserved; null when inventory has never stocked this variant.",
  })
  stock!: StockLevel | null;
}

/** What the reference resolver hands the field resolvers: the key, and the stock row loaded once (null if unknown). */
export interface ProductVariantRoot {
  id: string;
  inStock: boolean;
  level: StockRow | null;
}
