import "../tracing";
import { runService } from "@cartograph/service-kit";
import { startOrdersSubgraph } from "../app";
import { ordersEnvSchema } from "../config";

runService("orders", ordersEnvSchema, startOrdersSubgraph);
