// The notifications subgraph's public face: how to start it, its configuration, schema and tables,
// and the mailer seam (tests and other transports implement it).
export { NOTIFICATIONS_SERVICE_DIR, startNotificationsSubgraph, type NotificationsSubgraph } from "./app";
export { notificationsEnvSchema, type NotificationsConfig } from "./config";
export { schema as notificationsTables } from "./db";
export type { Mailer, OutgoingEmail } from "./email/mailer";
export { buildNotificationsSchema } from "./schema";
