import "../tracing";
import { runService } from "@cartograph/service-kit";
import { startNotificationsSubgraph } from "../app";
import { notificationsEnvSchema } from "../config";

runService("notifications", notificationsEnvSchema, startNotificationsSubgraph);
