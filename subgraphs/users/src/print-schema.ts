import "reflect-metadata";
import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit";
import { buildUsersSchema } from "./schema";

printSchemaFile("users", path.resolve(__dirname, "../schema.graphql"), buildUsersSchema);
