import "reflect-metadata";
import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit";
import { buildProductsSchema } from "./schema";

printSchemaFile("products", path.resolve(__dirname, "../schema.graphql"), buildProductsSchema);
