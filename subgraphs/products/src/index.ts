// The products subgraph's public face: how to start it, its configuration, schema and tables, and
// the catalogue service (the listing benchmark drives it directly).
export { PRODUCTS_SERVICE_DIR, startProductsSubgraph, type ProductsSubgraph } from "./app";
export { productsEnvSchema, type ProductsConfig } from "./config";
export { schema as productsTables } from "./db";
export { ProductService, type ProductListArgs } from "./product/product.service";
export { buildProductsSchema } from "./schema";
