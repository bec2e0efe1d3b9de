// The payments subgraph's public face: how to start it, its configuration, schema and tables, and
// the gateway seam (tests and other gateways implement it).
export { PAYMENTS_SERVICE_DIR, startPaymentsSubgraph, type PaymentsSubgraph } from "./app";
export { paymentsEnvSchema, type PaymentsConfig } from "./config";
export { schema as paymentsTables } from "./db";
export type {
  CardSummary,
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from "./gateway/payment-gateway";
export { buildPaymentsSchema } from "./schema";
