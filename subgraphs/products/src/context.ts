import type { RequestContext } from "@cartograph/service-kit";
import type { CatalogLoaders } from "./catalog/catalog.loaders";
import type { ProductService } from "./catalog/product.service";
import type { CategoryService } from "./category/category.service";

export interface ProductsServices {
  products: ProductService;
  categories: CategoryService;
  currencyCode: string;
}

export interface ProductsContext extends RequestContext {
  services: ProductsServices;
  loaders: CatalogLoaders;
}
