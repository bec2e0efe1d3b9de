import { asc, eq, inArray, isNull } from "drizzle-orm";
import type { ProductsExecutor } from "../db";
import { categories, type CategoryRow } from "../db/schema";

export class CategoryRepository {
  constructor(private readonly db: ProductsExecutor) {}

  findByIds(ids: readonly string[]): Promise<CategoryRow[]> {
    return this.db
      .select()
      .from(categories)
      .where(inArray(categories.id, [...ids]));
  }

  childrenOf(parentIds: readonly string[]): Promise<CategoryRow[]> {
    return this.db
      .select()
      .from(categories)
      .where(inArray(categories.parentId, [...parentIds]))
      .orderBy(asc(categories.name), asc(categories.id));
  }

  roots(): Promise<CategoryRow[]> {
    return this.db
      .select()
      .from(categories)
      .where(isNull(categories.parentId))
      .orderBy(asc(categories.name), asc(categories.id));
  }

  async findBySlug(slug: string): Promise<CategoryRow | undefined> {
    const [row] = await this.db.select().from(categories).where(eq(categories.slug, slug));
    return row;
  }

  async insert(tx: ProductsExecutor, row: typeof categories.$inferInsert): Promise<CategoryRow> {
    const [created] = await tx.insert(categories).values(row).returning();
    return created!;
  }
}
