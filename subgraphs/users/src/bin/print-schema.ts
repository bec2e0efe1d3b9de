import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit/graphql";
import { USERS_SERVICE_DIR } from "../app";
import { buildUsersSchema } from "../schema";

printSchemaFile("users", path.join(USERS_SERVICE_DIR, "schema.graphql"), buildUsersSchema);
