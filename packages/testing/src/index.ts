export * from "./postgres";
export * from "./rabbitmq";
