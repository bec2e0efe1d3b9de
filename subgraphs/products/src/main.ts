import "reflect-metadata";
import { runService } from "@cartograph/service-kit";
import { startProductsService } from "./app";
import { productsEnvSchema } from "./config";

runService("products", productsEnvSchema, startProductsService);
