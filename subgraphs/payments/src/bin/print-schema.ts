import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit/graphql";
import { PAYMENTS_SERVICE_DIR } from "../app";
import { buildPaymentsSchema } from "../schema";

printSchemaFile("payments", path.join(PAYMENTS_SERVICE_DIR, "schema.graphql"), buildPaymentsSchema);
