export * from "./graphql";
export * from "./keys";
export * from "./postgres";
export * from "./processes";
export * from "./rabbitmq";
export * from "./subgraph-harness";
export * from "./tokens";
