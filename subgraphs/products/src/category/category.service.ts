import { newId } from "@cartograph/service-kit";
import { isUniqueViolation } from "@cartograph/service-kit/db";
import {
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import { z } from "zod";
import { SLUG_PATTERN, slugify } from "../product/slug";
import type { ProductsDb } from "../db";
import type { CategoryRow } from "../db/schema";
import { CategoryRepository } from "./category.repository";

const createCategorySchema = z.object({
  name: z.string().trim().min(1, "The name cannot be empty.").max(100, "The name must be at most 100 characters."),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(SLUG_PATTERN, 'Use lowercase letters, digits and hyphens, e.g. "office-chairs".')
    .max(80)
    .nullish(),
  parentId: z.string().nullish(),
});

export class CategoryService {
  private readonly categories: CategoryRepository;

  constructor(private readonly db: ProductsDb) {
    this.categories = new CategoryRepository(db);
  }

  /** The roots of the category tree. */
  roots(): Promise<CategoryRow[]> {
    return this.categories.roots();
  }

  findBySlug(slug: string): Promise<CategoryRow | undefined> {
    return this.categories.findBySlug(slug);
  }

  async createCategory(input: unknown): Promise<Outcome<CategoryRow>> {
    const valid = validateInput(createCategorySchema, input, ["input"]);
    if (!valid.ok) return valid;
    const { name, parentId } = valid.value;
    const slug = valid.value.slug ?? slugify(name);
    if (!slug)
      return refuse(
        userError(UserErrorCode.INVALID, "Give the category a slug: its name has no letters or digits.", [
          "input",
          "slug",
        ]),
      );
    try {
      return await this.db.transaction(async (tx) => {
        const repository = new CategoryRepository(tx);
        const [parent] = parentId ? await repository.findByIds([parentId]) : [];
        if (parentId && !parent)
          return refuse(userError(UserErrorCode.NOT_FOUND, "No category has this id.", ["input", "parentId"]));
        const id = newId("cat");
        return succeed(
          await repository.insert(tx, {
            id,
            name,
            slug,
            parentId: parent?.id ?? null,
            path: parent ? `${parent.path}${id}/` : `/${id}/`,
          }),
        );
      });
    } catch (error) {
      if (isUniqueViolation(error, "categories_slug_key")) {
        return refuse(
          userError(UserErrorCode.TAKEN, `The slug "${slug}" is already used by another category.`, ["input", "slug"]),
        );
      }
      throw error;
    }
  }
}
