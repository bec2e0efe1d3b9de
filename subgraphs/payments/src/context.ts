import type { RequestContext } from "@cartograph/service-kit/server";
import type { InvoiceService } from "./invoice/invoice.service";
import type { PaymentLoaders } from "./payment/payment.loaders";
import type { PaymentService } from "./payment/payment.service";

/** The domain services resolvers call, one per bounded context. */
export interface PaymentsServiceRegistry {
  payments: PaymentService;
  invoices: InvoiceService;
}

export interface PaymentsContext extends RequestContext {
  services: PaymentsServiceRegistry;
  loaders: PaymentLoaders;
}
