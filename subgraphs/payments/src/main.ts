import "reflect-metadata";
import { runService } from "@cartograph/service-kit";
import { startPaymentsService } from "./app";
import { paymentsEnvSchema } from "./config";

runService("payments", paymentsEnvSchema, startPaymentsService);
