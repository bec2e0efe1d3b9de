import "../tracing";
import { runService } from "@cartograph/service-kit";
import { startPaymentsSubgraph } from "../app";
import { paymentsEnvSchema } from "../config";

runService("payments", paymentsEnvSchema, startPaymentsSubgraph);
