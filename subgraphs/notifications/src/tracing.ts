import { startTracing } from "@cartograph/service-kit/telemetry";

// The first import of src/bin/main.ts: tracing patches what it instruments (http, express, graphql,
// pg, amqplib) as those load, so it starts before any of them. Off unless an OTLP endpoint is set.
startTracing("notifications");
