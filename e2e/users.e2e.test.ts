import { CartographRequestError, type CartographClient } from "@cartograph/client";
import { uniqueEmail } from "@cartograph/testing";
import { E2E_ADMIN, postToRouter, startPlatform, type Platform } from "./platform";

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
}, 240_000);
afterAll(() => platform?.stop());

async function errorOf(call: Promise<unknown>): Promise<CartographRequestError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CartographRequestError);
  return error as CartographRequestError;
}

async function signUp(client: CartographClient = platform.client()) {
  const email = uniqueEmail("e2e");
  const { register } = await client.Register({
    input: { email, password: "correct horse battery", name: "Grace Hopper" },
  });
  expect(register.userErrors).toEqual([]);
  return { email, auth: register };
}

describe("through the router with the generated SDK", () => {
  it("register -> login -> me", async () => {
    const { email } = await signUp();
    const { login } = await platform.client().Login({ email, password: "correct horse battery" });
    expect(login.userErrors).toEqual([]);
    const { me } = await platform.client(login.accessToken).Me();
    expect(me).toMatchObject({ id: login.user!.id, email, name: "Grace Hopper", roles: ["CUSTOMER"], addresses: [] });
    expect(new Date(me!.createdAt).toString()).not.toBe("Invalid Date");
  });

  it("me is null when signed out", async () => {
    expect((await platform.client().Me()).me).toBeNull();
  });

  it("refresh rotates; a retry within the grace window gets the same successor (theft after it: session.int)", async () => {
    const { auth } = await signUp();
    const client = platform.client();
    const rotated = (await client.RefreshToken({ refreshToken: auth.refreshToken! })).refreshToken;
    expect(rotated.userErrors).toEqual([]);
    expect(rotated.refreshToken).not.toBe(auth.refreshToken);
    expect((await platform.client(rotated.accessToken).Me()).me?.id).toBe(auth.user!.id);
    // A tab that lost the first answer and asks again is not taken for a thief.
    const retried = (await client.RefreshToken({ refreshToken: auth.refreshToken! })).refreshToken;
    expect(retried.userErrors).toEqual([]);
    expect(retried.refreshToken).toBe(rotated.refreshToken);
    const next = (await client.RefreshToken({ refreshToken: rotated.refreshToken! })).refreshToken;
    expect(next.userErrors).toEqual([]);
    expect((await platform.client(next.accessToken).Me()).me?.id).toBe(auth.user!.id);
  });

  it("a bad token is UNAUTHENTICATED with HTTP 401, before any subgraph is called", async () => {
    const error = await errorOf(platform.client("not.a.jwt").Me());
    expect(error.codes).toEqual(["UNAUTHENTICATED"]);
    expect(error.status).toBe(401);
    // Even an operation the users subgraph could answer anonymously is refused.
    const register = await errorOf(
      platform.client("garbage").Register({ input: { email: uniqueEmail(), password: "whatever1", name: "X" } }),
    );
    expect(register.codes).toEqual(["UNAUTHENTICATED"]);
  });

  it("a token signed by someone else's key is UNAUTHENTICATED", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const jwt = await import("jsonwebtoken");
    const forged = jwt.default.sign(
      { roles: ["ADMIN"] },
      generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
      {
        algorithm: "RS256",
        keyid: "forged",
        subject: "usr_forged",
        issuer: "cartograph-users",
        audience: "cartograph",
        expiresIn: 600,
      },
    );
    expect((await errorOf(platform.client(forged).Users({}))).codes).toEqual(["UNAUTHENTICATED"]);
  });

  it("admin-only fields are FORBIDDEN to a customer and UNAUTHENTICATED to strangers", async () => {
    const { auth } = await signUp();
    expect((await errorOf(platform.client(auth.accessToken).Users({}))).codes).toEqual(["FORBIDDEN"]);
    expect((await errorOf(platform.client(auth.accessToken).User({ id: auth.user!.id }))).codes).toEqual(["FORBIDDEN"]);
    expect((await errorOf(platform.client().Users({}))).codes).toEqual(["UNAUTHENTICATED"]);
    const roles = await errorOf(
      platform.client(auth.accessToken).SetUserRoles({ userId: auth.user!.id, roles: ["ADMIN"] }),
    );
    expect(roles.codes).toEqual(["FORBIDDEN"]);
  });

  it("the seeded admin lists users page by page and grants roles", async () => {
    const { login } = await platform.client().Login(E2E_ADMIN);
    expect(login.user?.roles).toContain("ADMIN");
    const admin = platform.client(login.accessToken);
    const { auth } = await signUp();
    const first = (await admin.Users({ first: 1 })).users;
    expect(first.edges).toHaveLength(1);
    expect(first.totalCount).toBeGreaterThanOrEqual(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await admin.Users({ first: 1, after: first.pageInfo.endCursor })).users;
    expect(second.edges[0]!.node.id).not.toBe(first.edges[0]!.node.id);
    const granted = (await admin.SetUserRoles({ userId: auth.user!.id, roles: ["CUSTOMER", "ADMIN"] })).setUserRoles;
    expect(granted.user?.roles.sort()).toEqual(["ADMIN", "CUSTOMER"]);
  });

  it("addresses: the first is the default, a new default replaces it, another user's is NOT_FOUND", async () => {
    const { auth } = await signUp();
    const me = platform.client(auth.accessToken);
    const home = (
      await me.AddAddress({ input: { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" } })
    ).addAddress;
    expect(home.userErrors).toEqual([]);
    expect(home.address).toMatchObject({ country: "US", isDefault: true, line2: null });
    const work = (
      await me.AddAddress({
        input: { line1: "2 Side St", city: "Shelbyville", postalCode: "54321", country: "US", isDefault: true },
      })
    ).addAddress;
    expect(work.address?.isDefault).toBe(true);
    const addresses = (await me.Me()).me!.addresses;
    expect(addresses.filter((a) => a.isDefault).map((a) => a.id)).toEqual([work.address!.id]);

    const { auth: other } = await signUp();
    const stranger = (await platform.client(other.accessToken).RemoveAddress({ id: home.address!.id })).removeAddress;
    expect(stranger).toEqual({
      removed: null,
      userErrors: [{ code: "NOT_FOUND", field: ["id"], message: expect.any(String) }],
    });

    expect((await me.RemoveAddress({ id: work.address!.id })).removeAddress.removed).toBe(true);
    const after = (await me.Me()).me!.addresses;
    expect(after).toEqual([expect.objectContaining({ id: home.address!.id, isDefault: true })]);
  });

  it("malformed input gets user errors or BAD_USER_INPUT, never INTERNAL_SERVER_ERROR", async () => {
    const { auth } = await signUp();
    const me = platform.client(auth.accessToken);
    const bad = (await me.AddAddress({ input: { line1: "", city: "X", postalCode: "$$$", country: "Narnia" } }))
      .addAddress;
    expect(bad.address).toBeNull();
    expect(bad.userErrors.map((e) => e.field?.join("."))).toEqual(
      expect.arrayContaining(["input.line1", "input.postalCode", "input.country"]),
    );
    const taken = (await platform.client().Register({ input: { email: "nope", password: "1", name: "" } })).register;
    expect(taken.userErrors.length).toBeGreaterThanOrEqual(3);
    const cursor = await errorOf(
      platform
        .client((await platform.client().Login(E2E_ADMIN)).login.accessToken)
        .Users({ after: "definitely-not-a-cursor" }),
    );
    expect(cursor.codes).toEqual(["BAD_USER_INPUT"]);

    const wrongType = await postToRouter(platform.routerUrl, {
      query: "mutation($e: String!) { login(email: $e, password: 5) { accessToken } }",
      variables: { e: 1 },
    });
    expect(wrongType.body?.errors?.map((e) => e.extensions?.code)).not.toContain("INTERNAL_SERVER_ERROR");
    expect(wrongType.body?.errors?.[0]?.extensions?.code).toMatch(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT/);
    const syntax = await postToRouter(platform.routerUrl, { query: "{ me { id " });
    expect(syntax.body?.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const notJson = await postToRouter(platform.routerUrl, "{not json");
    expect(notJson.status).toBe(400);
  });

  // Depth and cost limits are covered against a deep schema in router/src/limits.test.ts.
  it("operations past the alias or token limits are OPERATION_TOO_COMPLEX, and nothing runs", async () => {
    const aliases = `query { ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(" ")} }`;
    const long = `{ me { ${"__typename ".repeat(2100)} } }`;
    for (const query of [aliases, long]) {
      const result = await postToRouter(platform.routerUrl, { query });
      expect(result.body?.data).toBeUndefined();
      expect(result.body?.errors?.map((e) => e.extensions?.code)).toEqual(["OPERATION_TOO_COMPLEX"]);
    }
    const fine = `query { ${Array.from({ length: 5 }, (_, i) => `a${i}: me { id }`).join(" ")} }`;
    expect((await postToRouter(platform.routerUrl, { query: fine })).body?.errors).toBeUndefined();
  });

  it("every response carries a request id, and a caller's own id is kept", async () => {
    const response = await fetch(platform.routerUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-e2e-123" },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    expect(response.headers.get("x-request-id")).toBe("req-e2e-123");
  });
});

describe("subgraphs accept only the router", () => {
  it("refuses /graphql without the router credential but serves health checks", async () => {
    const users = platform.services.users!;
    const direct = await fetch(`${users.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    expect(direct.status).toBe(403);
    expect(
      ((await direct.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code,
    ).toBe("FORBIDDEN");
    const wrongSecret = await fetch(`${users.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-cartograph-router-secret": "guess" },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    expect(wrongSecret.status).toBe(403);
    expect((await fetch(`${users.baseUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${users.baseUrl}/readyz`)).json()).toEqual({
      status: "ready",
      dependencies: { postgres: "ok", rabbitmq: "ok" },
    });
    expect((await fetch(`${platform.services.router!.baseUrl}/readyz`)).status).toBe(200);
  });
});

describe("password guessing through the router", () => {
  it("the 11th sign-in after 10 failures is RATE_LIMITED", async () => {
    const { email } = await signUp();
    for (let i = 0; i < 10; i++)
      expect((await platform.client().Login({ email, password: `wrong ${i}` })).login.userErrors[0]?.code).toBe(
        "INVALID_CREDENTIALS",
      );
    const error = await errorOf(platform.client().Login({ email, password: "correct horse battery" }));
    expect(error.codes).toEqual(["RATE_LIMITED"]);
  });
});
