import { Money, money } from "@cartograph/service-kit/graphql";
import { FieldResolver, Resolver, Root } from "type-graphql";
import type { InvoiceRow } from "../db/schema";
import { Invoice, InvoiceLine } from "./invoice.type";

@Resolver(() => Invoice)
export class InvoiceResolver {
  @FieldResolver(() => [InvoiceLine])
  lines(@Root() invoice: InvoiceRow): InvoiceLine[] {
    const currency = invoice.currencyCode;
    return invoice.lines.map((line) => ({
      variant: { id: line.variantId },
      quantity: line.quantity,
      unitPrice: money(line.unitPrice, currency),
      lineTotal: money(line.lineTotal, currency),
    }));
  }

  @FieldResolver(() => Money)
  total(@Root() invoice: InvoiceRow): Money {
    return money(invoice.total, invoice.currencyCode);
  }
}
