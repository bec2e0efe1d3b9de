import { unavailableErrors } from "./subgraph-source";

const message = "A service this request needs is unavailable. Try again shortly.";
const code = { code: "SERVICE_UNAVAILABLE" };

describe("a failed subgraph fetch is answered at the paths it would have filled", () => {
  it("a root fetch: one error per root field, aliases kept", () => {
    const errors = unavailableErrors(
      { request: { query: "query { trendingProducts(first: 2) { id } top: trendingProducts { id } __typename }" } },
      message,
    );
    expect(errors).toEqual([
      { message, path: ["trendingProducts"], extensions: code },
      { message, path: ["top"], extensions: code },
    ]);
  });

  it("an entity fetch: each field of each representation, under _entities", () => {
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Product { __typename rating { average } reviews(first: 5) { totalCount } } } }`;
    const errors = unavailableErrors(
      {
        request: {
          query,
          variables: {
            representations: [
              { __typename: "Product", id: "a" },
              { __typename: "Product", id: "b" },
            ],
          },
        },
      },
      message,
    );
    expect(errors.map((error) => error.path)).toEqual([
      ["_entities", 0, "rating"],
      ["_entities", 0, "reviews"],
      ["_entities", 1, "rating"],
      ["_entities", 1, "reviews"],
    ]);
  });

  it("an unreadable document still gets one coded error", () => {
    expect(unavailableErrors({ request: { query: "{" } }, message)).toEqual([{ message, extensions: code }]);
  });
});
