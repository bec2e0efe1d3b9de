import type { DataRequestKindValue, DataRequestRow, DataRequestStatusValue } from "../db/schema";

/**
 * Every subgraph answers a customer's data request, those holding nothing about customers too (so
 * the trail shows each one checked). Users answers its own in the request's transaction; the
 * others through `<service>.customer-data` (`startCustomerDataConsumer`). A new subgraph joins here.
 */
export const ANSWERING_SERVICES = [
  "users",
  "products",
  "inventory",
  "orders",
  "payments",
  "reviews",
  "recommendations",
  "notifications",
] as const;

/** The services that have not answered yet, in the order above. */
export function awaitingServices(answered: Iterable<string>): string[] {
  const done = new Set(answered);
  return ANSWERING_SERVICES.filter((service) => !done.has(service));
}

/**
 * The status once these services have answered: an export is READY (downloadable until
 * `expiresAt`) and an erasure COMPLETED when every service answered; PENDING until then.
 */
export function statusOnceAnswered(kind: DataRequestKindValue, answered: Iterable<string>): DataRequestStatusValue {
  if (awaitingServices(answered).length > 0) return "PENDING";
  return kind === "EXPORT" ? "READY" : "COMPLETED";
}

/** A READY export past its `expiresAt` is gone: its parts are purged, its status EXPIRED. */
export const isExpired = (request: Pick<DataRequestRow, "status" | "expiresAt">, now: Date): boolean =>
  request.status === "READY" && request.expiresAt !== null && request.expiresAt <= now;

/** The download: one JSON document, a section per service, in a stable order. */
export function exportDocument(
  request: Pick<DataRequestRow, "id" | "userId" | "requestedAt" | "completedAt">,
  parts: ReadonlyArray<{ service: string; data: Record<string, unknown> | null }>,
): string {
  const byService = new Map(parts.map((part) => [part.service, part.data ?? {}]));
  return JSON.stringify(
    {
      requestId: request.id,
      customerId: request.userId,
      requestedAt: request.requestedAt.toISOString(),
      completedAt: request.completedAt?.toISOString() ?? null,
      services: Object.fromEntries(ANSWERING_SERVICES.map((service) => [service, byService.get(service) ?? null])),
    },
    null,
    2,
  );
}
