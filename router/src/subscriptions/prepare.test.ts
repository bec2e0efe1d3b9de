import { readFileSync } from "node:fs";
import path from "node:path";
import { composeServices } from "@apollo/composition";
import { createLogger } from "@cartograph/service-kit";
import { Role } from "@cartograph/service-kit/auth";
import { parse } from "graphql";
import type { RouterContext } from "../context";
import { SupergraphExecutor } from "./executor";
import { subscriptionFields } from "./fields";
import { prepareSubscription, type PreparedSubscription } from "./prepare";

const log = createLogger("prepare-test", "silent");
const ORDERS = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Order @key(fields: "id") { id: ID!  number: String! }
  type Query { order(id: ID!): Order }`;

function executorFor(withEvents: boolean): SupergraphExecutor {
  const services = [{ name: "orders", url: "http://orders.invalid/graphql", typeDefs: parse(ORDERS) }];
  if (withEvents)
    services.push({
      name: "events",
      url: "http://events.invalid/graphql",
      typeDefs: parse(readFileSync(path.resolve(__dirname, "../../events.graphql"), "utf8")),
    });
  const result = composeServices(services);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join("; "));
  return new SupergraphExecutor(result.supergraphSdl, new Map());
}

const context = (viewer: RouterContext["viewer"]): RouterContext => ({
  requestId: "req-1",
  log,
  viewer,
  accessToken: viewer ? "token" : null,
});
const options = (executor: SupergraphExecutor) => ({
  executor,
  fields: subscriptionFields,
  validationRules: [],
  maxTokens: 1000,
  hideSuggestions: true,
  log,
});
const codes = (outcome: PreparedSubscription | Array<{ extensions: Record<string, unknown> }>) =>
  Array.isArray(outcome) ? outcome.map((e) => e.extensions.code) : "prepared";

describe("prepareSubscription", () => {
  it("says the API has no subscriptions while the events graph is not composed", async () => {
    const outcome = await prepareSubscription(
      { query: `subscription { orderStatusChanged(orderId: "1") { status } }` },
      context(null),
      options(executorFor(false)),
    );
    expect(codes(outcome)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });

  it("hides field suggestions in production", async () => {
    const outcome = await prepareSubscription(
      { query: `subscription { orderStatusChanged(orderId: "1") { statu } }` },
      context(null),
      options(executorFor(true)),
    );
    expect(Array.isArray(outcome) && outcome[0]!.message).toBe(
      'Cannot query field "statu" on type "OrderStatusUpdate". [Suggestion hidden]',
    );
  });

  it("needs a signed-in subscriber before asking the owning subgraph", async () => {
    const outcome = await prepareSubscription(
      { query: `subscription($id: ID!) { orderStatusChanged(orderId: $id) { status } }`, variables: { id: "ord_1" } },
      context(null),
      options(executorFor(true)),
    );
    expect(codes(outcome)).toEqual(["UNAUTHENTICATED"]);
  });

  it("plans the event fetch then the rest, and reads the key through fragments and variables", async () => {
    const executor = executorFor(true);
    const query = `subscription S($id: ID!) { ...F }  fragment F on Subscription { update: orderStatusChanged(orderId: $id) { status order { number } } }`;
    const plan = executor.planSubscription(parse(query), "S");
    expect(plan.perEvent.node).toMatchObject({
      kind: "Sequence",
      nodes: [
        { kind: "Fetch", serviceName: "events" },
        { kind: "Sequence", nodes: [{ kind: "Flatten", node: { serviceName: "orders" } }] },
      ],
    });
    // Authorization is the only step left: with no orders data source to ask it fails closed, with an
    // uncoded error the formatter masks as INTERNAL_SERVER_ERROR, never a subscription.
    const outcome = await prepareSubscription(
      { query, operationName: "S", variables: { id: "ord_1" } },
      context({ userId: "u1", roles: [Role.CUSTOMER], tokenId: "t" }),
      options(executor),
    );
    expect(codes(outcome)).toEqual([undefined]);
  });
});
