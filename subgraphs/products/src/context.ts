import type { RequestContext } from "@cartograph/service-kit/server";
import type { CategoryLoaders } from "./category/category.loaders";
import type { CategoryService } from "./category/category.service";
import type { ProductLoaders } from "./product/product.loaders";
import type { ProductService } from "./product/product.service";

/** The domain services resolvers call, one per bounded context. */
export interface ProductsServiceRegistry {
  products: ProductService;
  categories: CategoryService;
  currencyCode: string;
}

export interface ProductsContext extends RequestContext {
  services: ProductsServiceRegistry;
  loaders: ProductLoaders & CategoryLoaders;
}
