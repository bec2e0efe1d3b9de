import type { PaymentsConfig } from "../config";
import type { PaymentsDb } from "../db";
import type { PaymentGateway } from "./payment-gateway";
import { createTestGateway } from "./test-gateway";
import { TestGatewayLedger } from "./test-gateway.ledger";

/** The gateway `PAYMENT_GATEWAY` names. `ledgerDb` backs the test gateway's own tables. */
export function createPaymentGateway(
  config: Pick<PaymentsConfig, "PAYMENT_GATEWAY">,
  ledgerDb: PaymentsDb,
): PaymentGateway {
  switch (config.PAYMENT_GATEWAY) {
    case "test":
      return createTestGateway(new TestGatewayLedger(ledgerDb));
  }
}
