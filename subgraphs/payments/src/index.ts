export { startPaymentsService, PAYMENTS_SERVICE_DIR, type PaymentsService } from "./app";
export { paymentsEnvSchema, type PaymentsConfig } from "./config";
export { buildPaymentsSchema } from "./schema";
export type {
  PaymentGateway,
  ChargeRequest,
  ChargeResult,
  RefundRequest,
  RefundResult,
  CardSummary,
} from "./gateway/payment-gateway";
