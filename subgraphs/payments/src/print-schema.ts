import "reflect-metadata";
import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit";
import { buildPaymentsSchema } from "./schema";

printSchemaFile("payments", path.resolve(__dirname, "../schema.graphql"), buildPaymentsSchema);
