import { callSubgraph, uniqueEmail } from "@cartograph/testing";
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import path from "node:path";
import { startUsersHarness, type UsersHarness } from "./harness";

let users: UsersHarness;
beforeAll(async () => {
  users = await startUsersHarness();
});
afterAll(() => users?.close());

async function registerUser(name: string): Promise<{ id: string; accessToken: string }> {
  const result = await callSubgraph<{ register: { accessToken: string; user: { id: string } } }>(
    users.url,
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`,
    { input: { email: uniqueEmail(), password: "password123", name } },
  );
  return { id: result.data!.register.user.id, accessToken: result.data!.register.accessToken };
}

describe("federation contract of the users subgraph", () => {
  it("serves the checked-in SDL through _service", async () => {
    const result = await callSubgraph<{ _service: { sdl: string } }>(users.url, "{ _service { sdl } }");
    const sdl = result.data!._service.sdl;
    expect(sdl).toMatch(/type User\s+(@cacheControl\([^)]*\)\s+)?@key\(fields: "id"\)/);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9"');
    // Same types and fields as the checked-in SDL that composition reads (federation's own `_` fields aside).
    const shape = (text: string) =>
      parse(text)
        .definitions.flatMap((d) =>
          "name" in d && d.name && "fields" in d ? (d.fields ?? []).map((f) => `${d.name!.value}.${f.name.value}`) : [],
        )
        .filter((field) => !/(^|\.)_/.test(field))
        .sort();
    expect(shape(sdl)).toEqual(shape(readFileSync(path.resolve(__dirname, "../schema.graphql"), "utf8")));
  });

  it("resolves many User references in one _entities call with one SQL query, in order, null for unknown ids", async () => {
    const created = await Promise.all(["Ann", "Bob", "Cy", "Di", "Ed"].map(registerUser));
    const representations = [
      ...created.map((u) => ({ __typename: "User", id: u.id })),
      { __typename: "User", id: "usr_missing" },
    ];
    users.resetQueryCount();
    const result = await callSubgraph<{ _entities: Array<{ id: string; name: string } | null> }>(
      users.url,
      "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }",
      { r: representations },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((u) => u?.name ?? null)).toEqual(["Ann", "Bob", "Cy", "Di", "Ed", null]);
    expect(users.queryCount()).toBe(1);
  });

  it("keeps email private in entity resolution: only the user themself may read it", async () => {
    const [ann, bob] = await Promise.all([registerUser("Ann"), registerUser("Bob")]);
    const query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }";
    const asAnn = await callSubgraph<{ _entities: Array<{ email: string } | null> }>(
      users.url,
      query,
      { r: [{ __typename: "User", id: ann.id }] },
      { accessToken: ann.accessToken },
    );
    expect(asAnn.data!._entities[0]!.email).toContain("@example.test");
    const asBob = await callSubgraph(
      users.url,
      query,
      { r: [{ __typename: "User", id: ann.id }] },
      { accessToken: bob.accessToken },
    );
    expect(asBob.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
