import "reflect-metadata";
import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit";
import { buildOrdersSchema } from "./schema";

printSchemaFile("orders", path.resolve(__dirname, "../schema.graphql"), buildOrdersSchema);
