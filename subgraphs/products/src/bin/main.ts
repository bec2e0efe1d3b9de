import "../tracing";
import { runService } from "@cartograph/service-kit";
import { startProductsSubgraph } from "../app";
import { productsEnvSchema } from "../config";

runService("products", productsEnvSchema, startProductsSubgraph);
