import "reflect-metadata";
import { runService } from "@cartograph/service-kit";
import { startOrdersService } from "./app";
import { ordersEnvSchema } from "./config";

runService("orders", ordersEnvSchema, startOrdersService);
