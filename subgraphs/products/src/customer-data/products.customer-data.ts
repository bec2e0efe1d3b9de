import type { CustomerDataHandlers } from "@cartograph/events";
import type { ProductsExecutor } from "../db";

/**
 * The catalogue holds nothing about any person (categories, products and variants name no user,
 * not even who created them), so there is nothing to export or erase. It still answers each
 * request, so users knows every service has checked.
 */
export const productsCustomerData: CustomerDataHandlers<ProductsExecutor> = {
  exportCustomerData: async () => ({}),
  eraseCustomerData: async () => ({}),
};
