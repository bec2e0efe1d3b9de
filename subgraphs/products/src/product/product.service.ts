import { badUserInput, MoneyFormatError, newId, parseMoney } from "@cartograph/service-kit";
import { isUniqueViolation } from "@cartograph/service-kit/db";
import {
  buildConnection,
  lazy,
  parsePageArgs,
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Connection,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import type { ProductsDb, ProductsExecutor } from "../db";
import type { VariantRow } from "../db/schema";
import { CategoryRepository } from "../category/category.repository";
import type { ListingFilter, ListingSort } from "./product-listing";
import { announceProductChanged, announceProductCreated } from "./product.events";
import { ProductRepository, type FacetCount, type ListedProduct, type ProductRecord } from "./product.repository";
import { createProductSchema, updateProductSchema, updateVariantSchema } from "./product.rules";
import { slugify } from "./slug";

export const DEFAULT_SUGGESTIONS = 8;
export const MAX_SUGGESTIONS = 20;

export interface ProductListArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    search?: string | null;
    categoryId?: string | null;
    minPrice?: string | null;
    maxPrice?: string | null;
    brands?: string[] | null;
    tags?: string[] | null;
  } | null;
  sort?: { field: ListingSort["key"]; direction: "ASC" | "DESC" } | null;
}

export interface ProductListing extends Connection<ListedProduct> {
  /** Computed only when asked for: facets scan the whole filtered set. */
  facets: () => Promise<Array<{ field: string; values: FacetCount[] }>>;
}

/** The catalogue's rules: what a listing means, what a valid product is, what each change announces. */
export class ProductService {
  private readonly products: ProductRepository;

  constructor(
    private readonly db: ProductsDb,
    private readonly currencyCode: string,
  ) {
    this.products = new ProductRepository(db);
  }

  findBySlug(slug: string): Promise<ProductRecord | undefined> {
    return this.products.findBySlug(slug);
  }

  /**
   * Search-as-you-type: up to `first` (1..20) active products whose name has words starting with
   * every word typed ("oak ch" finds "Oak Chair"). Punctuation is ignored; nothing typed finds nothing.
   */
  async suggestProducts(prefix: string, first = DEFAULT_SUGGESTIONS): Promise<ProductRecord[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_SUGGESTIONS)
      throw badUserInput(`\`first\` must be between 1 and ${MAX_SUGGESTIONS}.`, "first");
    if (prefix.length > 200) throw badUserInput("The prefix must be at most 200 characters.", "prefix");
    const words = (prefix.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
    return words.length === 0 ? [] : this.products.suggest(words, first);
  }

  async listProducts(args: ProductListArgs, { includeInactive = false } = {}): Promise<ProductListing> {
    const page = parsePageArgs(args, 2);
    const filter = await this.listingFilter(args.filter ?? {}, includeInactive);
    const requested: ListingSort = args.sort
      ? { key: args.sort.field, descending: args.sort.direction === "DESC" }
      : { key: "RELEVANCE", descending: true };
    if (!filter) return { ...buildConnection([], page, 0, () => []), facets: async () => [] };
    const { rows } = await this.products.listPage(filter, requested, page);
    return {
      ...buildConnection(
        rows,
        page,
        lazy(() => this.products.countMatching(filter)),
        (row) => [row.sortValue, row.id],
      ),
      facets: async () => {
        const counts = await this.products.facetCounts(filter);
        return [
          { field: "brand", values: counts.brand },
          { field: "tag", values: counts.tag },
          { field: "category", values: counts.category },
        ];
      },
    };
  }

  /** Validates a filter; null when it can match nothing (an unknown category). */
  private async listingFilter(
    filter: NonNullable<ProductListArgs["filter"]>,
    includeInactive: boolean,
  ): Promise<ListingFilter | null> {
    const price = (value: string | null | undefined, argument: string) => {
      if (value === null || value === undefined || value === "") return null;
      try {
        return parseMoney(value, this.currencyCode);
      } catch (error) {
        throw badUserInput(
          `filter.${argument}: ${error instanceof MoneyFormatError ? error.message : "not an amount"}`,
          `filter.${argument}`,
        );
      }
    };
    const search = filter.search?.trim() ? filter.search.trim().slice(0, 200) : null;
    let categoryPath: string | null = null;
    if (filter.categoryId) {
      const [category] = await new CategoryRepository(this.db).findByIds([filter.categoryId]);
      if (!category) return null;
      categoryPath = category.path;
    }
    const list = (values: string[] | null | undefined, max: number, argument: string) => {
      if ((values?.length ?? 0) > max)
        throw badUserInput(`filter.${argument} takes at most ${max} values.`, `filter.${argument}`);
      return [...new Set((values ?? []).map((value) => value.trim()).filter(Boolean))];
    };
    return {
      search,
      categoryPath,
      minPrice: price(filter.minPrice, "minPrice"),
      maxPrice: price(filter.maxPrice, "maxPrice"),
      brands: list(filter.brands, 50, "brands"),
      tags: list(filter.tags, 50, "tags").map((tag) => tag.toLowerCase()),
      includeInactive,
    };
  }

  async createProduct(input: unknown): Promise<Outcome<ProductRecord>> {
    const valid = validateInput(createProductSchema(this.currencyCode), input, ["input"]);
    if (!valid.ok) return valid;
    const { variants: variantInputs, slug: requestedSlug, ...fields } = valid.value;
    try {
      return await this.db.transaction(async (tx) => {
        if (fields.categoryId && (await new CategoryRepository(tx).findByIds([fields.categoryId])).length === 0) {
          return refuse(userError(UserErrorCode.NOT_FOUND, "No category has this id.", ["input", "categoryId"]));
        }
        const taken = await this.products.takenSkus(
          tx,
          variantInputs.map((variant) => variant.sku),
        );
        const skuErrors = variantInputs.flatMap((variant, index) =>
          taken.has(variant.sku.toLowerCase())
            ? [
                userError(UserErrorCode.TAKEN, `The SKU ${variant.sku} is already used by another variant.`, [
                  "input",
                  "variants",
                  String(index),
                  "sku",
                ]),
              ]
            : [],
        );
        if (skuErrors.length) return refuse(...skuErrors);
        const slug = requestedSlug ?? (await this.freeSlug(tx, slugify(fields.name) || "product"));
        const prices = variantInputs.map((variant) => variant.price);
        const product = await this.products.insertProduct(tx, {
          id: newId("prd"),
          slug,
          ...fields,
          minPrice: Math.min(...prices),
          maxPrice: Math.max(...prices),
          createdAt: new Date(),
        });
        const variants = await this.products.insertVariants(
          tx,
          variantInputs.map((variant, position) => ({
            id: newId("var"),
            productId: product.id,
            ...variant,
            currencyCode: this.currencyCode,
            position,
          })),
        );
        await announceProductCreated(tx, product, variants);
        return succeed(product);
      });
    } catch (error) {
      if (isUniqueViolation(error, "products_slug_key")) {
        return refuse(userError(UserErrorCode.TAKEN, "Another product already has this slug.", ["input", "slug"]));
      }
      if (isUniqueViolation(error, "variants_sku_key")) {
        return refuse(
          userError(UserErrorCode.TAKEN, "One of these SKUs was just taken by another product.", ["input", "variants"]),
        );
      }
      throw error;
    }
  }

  async updateProduct(id: string, input: unknown): Promise<Outcome<ProductRecord>> {
    const valid = validateInput(updateProductSchema, input, ["input"]);
    if (!valid.ok) return valid;
    const changes = Object.fromEntries(
      Object.entries(valid.value).filter(([, value]) => value !== undefined && value !== null),
    ) as Partial<ProductRecord>;
    // Explicit nulls clear optional fields.
    if (valid.value.brand === null || valid.value.brand === "") changes.brand = null;
    if (valid.value.categoryId === null) changes.categoryId = null;
    return this.db.transaction(async (tx) => {
      if (changes.categoryId && (await new CategoryRepository(tx).findByIds([changes.categoryId])).length === 0) {
        return refuse(userError(UserErrorCode.NOT_FOUND, "No category has this id.", ["input", "categoryId"]));
      }
      const product = await this.products.updateProduct(tx, id, changes);
      if (!product) return refuse(userError(UserErrorCode.NOT_FOUND, "No product has this id.", ["id"]));
      await this.announce(tx, product, "product.updated");
      return succeed(product);
    });
  }

  /**
   * A variant's new title or price. The product's price range follows, and the change is announced
   * like any product change (`variant.updated` carries the new price to carts and to wishlists).
   */
  async updateVariant(id: string, input: unknown): Promise<Outcome<VariantRow>> {
    const valid = validateInput(updateVariantSchema(this.currencyCode), input, ["input"]);
    if (!valid.ok) return valid;
    const changes: Partial<Pick<VariantRow, "title" | "price">> = {};
    if (valid.value.title != null) changes.title = valid.value.title;
    if (valid.value.price != null) changes.price = valid.value.price;
    return this.db.transaction(async (tx) => {
      const variant = await this.products.updateVariant(tx, id, changes);
      if (!variant) return refuse(userError(UserErrorCode.NOT_FOUND, "No variant has this id.", ["id"]));
      const product = await this.products.refreshPriceRange(tx, variant.productId);
      if (product) await this.announce(tx, product, "product.updated");
      return succeed(variant);
    });
  }

  /** Soft delete: hidden from shoppers, still resolvable for the orders that contain it. */
  async deleteProduct(id: string): Promise<Outcome<true>> {
    return this.db.transaction(async (tx) => {
      const product = await this.products.updateProduct(tx, id, { active: false });
      if (!product) return refuse(userError(UserErrorCode.NOT_FOUND, "No product has this id.", ["id"]));
      await this.announce(tx, product, "product.deleted");
      return succeed(true as const);
    });
  }

  private async announce(tx: ProductsExecutor, product: ProductRecord, type: "product.updated" | "product.deleted") {
    await announceProductChanged(tx, type, product, await this.products.variantsOf([product.id], tx));
  }

  /**
   * Announces every product and variant again (`product.updated`, `variant.updated`), a batch
   * per transaction, so services that keep a copy of the catalogue can rebuild theirs.
   * Consumers apply snapshots idempotently, newest wins. Resolves with the number of products.
   */
  async republishCatalogue({ batchSize = 200 } = {}): Promise<number> {
    let after = "";
    let count = 0;
    for (;;) {
      const announced = await this.db.transaction(async (tx) => {
        const batch = await this.products.pageById(tx, after, batchSize);
        const variants = await this.products.variantsOf(
          batch.map((product) => product.id),
          tx,
        );
        for (const product of batch) {
          const own = variants.filter((variant) => variant.productId === product.id);
          await announceProductChanged(tx, "product.updated", product, own);
        }
        return batch;
      });
      if (announced.length === 0) return count;
      count += announced.length;
      after = announced.at(-1)!.id;
    }
  }

  /** "oak-desk", or "oak-desk-2", "oak-desk-3"… when a derived slug is taken. */
  private async freeSlug(tx: ProductsExecutor, base: string): Promise<string> {
    for (let suffix = 1; ; suffix += 1) {
      const candidate = suffix === 1 ? base : `${base}-${suffix}`;
      if (!(await this.products.slugExists(tx, candidate))) return candidate;
    }
  }
}
