export { startProductsService, PRODUCTS_SERVICE_DIR } from "./app";
export { productsEnvSchema, type ProductsConfig } from "./config";
