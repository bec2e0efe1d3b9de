export * from "./graphql";
export * from "./keys";
export * from "./postgres";
export * from "./ports";
export * from "./rabbitmq";
export * from "./subgraph-harness";
export * from "./tokens";
export * from "./waiting";
