import type { RequestContext } from "@cartograph/service-kit";
import type { InvoiceService } from "./invoice/invoice.service";
import type { PaymentLoaders } from "./payment/payment.loaders";
import type { PaymentService } from "./payment/payment.service";

export interface PaymentsServices {
  payments: PaymentService;
  invoices: InvoiceService;
}

export interface PaymentsContext extends RequestContext {
  services: PaymentsServices;
  loaders: PaymentLoaders;
}
