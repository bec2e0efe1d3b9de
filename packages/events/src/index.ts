// `@cartograph/events`: the event catalogue, the broker and idempotent consumers, whatever the
// store, and the spans that keep an event in the trace it was created in. A service's inbox and outbox come from `@cartograph/events/postgres` or `/mongo`.
export * from "./broker";
export * from "./catalogue";
export * from "./consumer";
export * from "./customer-data";
export * from "./idempotency";
export * from "./tracing";
