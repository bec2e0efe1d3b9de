// What a subgraph's or the router's tests share: the subgraph harness, access tokens, GraphQL
// calls with the router's credential, event builders, queue depths, metrics scrapes, and (re-exported)
// fresh datastores. A test SMTP server is apart, at `@cartograph/testing/smtp`, for the tests that read emails.
export * from "@cartograph/test-datastores";
export * from "./customer-data";
export * from "./events";
export * from "./graphql";
export * from "./keys";
export * from "./metrics";
export * from "./queues";
export * from "./subgraph-harness";
export * from "./tokens";
