import { seededRandom } from "@cartograph/demo-data";
import { type Logger } from "@cartograph/service-kit";
import type { CategoryService } from "../category/category.service";
import type { CategoryRow } from "../db/schema";
import type { ProductService } from "../product/product.service";
import { slugify } from "../product/slug";
import { demoCategoryTree, demoProducts } from "./demo-catalogue";

export const PRODUCTS_PER_LEAF = 10;

/**
 * Loads the demo catalogue through the same services as the admin API, so every product and
 * variant is announced on the outbox and inventory and orders learn of it. Idempotent:
 * categories and products that exist (by slug) are left alone.
 */
export async function seedDemoCatalogue(
  services: { products: ProductService; categories: CategoryService },
  log: Logger,
) {
  const random = seededRandom(20261122);
  let created = 0;
  let existing = 0;

  const ensureCategory = async (name: string, parent: CategoryRow | null): Promise<CategoryRow> => {
    const slug = parent ? `${parent.slug}-${slugify(name)}` : slugify(name);
    const found = await services.categories.findBySlug(slug);
    if (found) return found;
    const outcome = await services.categories.createCategory({ name, slug, parentId: parent?.id ?? null });
    if (!outcome.ok)
      throw new Error(`could not create category ${name}: ${outcome.errors.map((e) => e.message).join("; ")}`);
    return outcome.value;
  };

  for (const root of demoCategoryTree) {
    const rootRow = await ensureCategory(root.name, null);
    for (const middle of root.children) {
      const middleRow = await ensureCategory(middle.name, rootRow);
      for (const leaf of middle.children) {
        const leafRow = await ensureCategory(leaf.name, middleRow);
        const skuPrefix = slugify(leaf.name).replace(/-/g, "").slice(0, 8).toUpperCase();
        // Generate every leaf's products even when they exist, so the random sequence stays the same.
        for (const product of demoProducts(leaf, root.brands, PRODUCTS_PER_LEAF, random, skuPrefix)) {
          if (await services.products.findBySlug(product.slug)) {
            existing += 1;
            continue;
          }
          const outcome = await services.products.createProduct({ ...product, categoryId: leafRow.id });
          if (!outcome.ok)
            throw new Error(`could not create ${product.name}: ${outcome.errors.map((e) => e.message).join("; ")}`);
          created += 1;
        }
      }
    }
  }
  log.info({ created, existing }, "demo catalogue seeded");
  return { created, existing };
}
