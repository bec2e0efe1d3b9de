import "../tracing";
import { runService } from "@cartograph/service-kit";
import { startInventorySubgraph } from "../app";
import { inventoryEnvSchema } from "../config";

runService("inventory", inventoryEnvSchema, startInventorySubgraph);
