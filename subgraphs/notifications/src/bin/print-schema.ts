import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit/graphql";
import { NOTIFICATIONS_SERVICE_DIR } from "../app";
import { buildNotificationsSchema } from "../schema";

printSchemaFile("notifications", path.join(NOTIFICATIONS_SERVICE_DIR, "schema.graphql"), buildNotificationsSchema);
