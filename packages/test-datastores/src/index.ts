// Fresh datastores for one test file: a PostgreSQL database, a MongoDB database, RabbitMQ names,
// free ports, and waiting for a condition. Depends on no Cartograph package, so every package's
// tests can use it (the events package's included).
export * from "./mongo";
export * from "./ports";
export * from "./postgres";
export * from "./rabbitmq";
export * from "./waiting";
export * from "./stamp";
