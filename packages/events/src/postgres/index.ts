// `@cartograph/events/postgres`: the transactional outbox and its relay, and the inbox, for
// services on PostgreSQL (their drizzle schema includes `outboxEvents` and `processedEvents`).
export * from "./customer-data";
export * from "./inbox";
export * from "./outbox";
export * from "./publishing";
export * from "./relay";
export * from "./tables";
