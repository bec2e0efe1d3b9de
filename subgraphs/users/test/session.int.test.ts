import { callSubgraph, uniqueEmail } from "@cartograph/testing";
import { startUsersHarness, type UsersHarness } from "./harness";

const AUTH_FIELDS = `accessToken refreshToken expiresIn user { id email name roles } userErrors { code field message }`;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { ${AUTH_FIELDS} } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`;
const LOGOUT = `mutation($t: String!) { logout(refreshToken: $t) { success userErrors { code message } } }`;

interface AuthResult {
  accessToken: string | null;
  refreshToken: string | null;
  expiresIn: number | null;
  user: { id: string; email: string; name: string; roles: string[] } | null;
  userErrors: Array<{ code: string; field: string[] | null; message: string }>;
}

let users: UsersHarness;
beforeAll(async () => {
  users = await startUsersHarness();
});
afterAll(() => users?.close());

async function register(input: Record<string, unknown>): Promise<AuthResult> {
  const result = await callSubgraph<{ register: AuthResult }>(users.url, REGISTER, { input });
  expect(result.errors).toBeUndefined();
  return result.data!.register;
}

describe("registration", () => {
  it("creates a CUSTOMER and signs them in with a 15 minute access token", async () => {
    const email = uniqueEmail();
    const auth = await register({ email, password: "correct horse", name: "  Ada Lovelace " });
    expect(auth.userErrors).toEqual([]);
    expect(auth.user).toMatchObject({ email, name: "Ada Lovelace", roles: ["CUSTOMER"] });
    expect(auth.user!.id).toMatch(/^usr_/);
    expect(auth.expiresIn).toBe(900);
    expect(auth.refreshToken).toMatch(/^rt_/);
    const [, payload] = auth.accessToken!.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    expect(claims).toMatchObject({
      sub: auth.user!.id,
      roles: ["CUSTOMER"],
      iss: "cartograph-users",
      aud: "cartograph",
    });
    expect(claims.exp - claims.iat).toBe(900);
    expect(typeof claims.jti).toBe("string");
  });

  it("treats emails as unique whatever their case", async () => {
    const email = uniqueEmail("Case");
    expect((await register({ email, password: "password1", name: "First" })).userErrors).toEqual([]);
    const second = await register({ email: email.toUpperCase(), password: "password2", name: "Second" });
    expect(second.user).toBeNull();
    expect(second.accessToken).toBeNull();
    expect(second.userErrors).toEqual([{ code: "TAKEN", field: ["input", "email"], message: expect.any(String) }]);
  });

  it("names every invalid field and creates nothing", async () => {
    const auth = await register({ email: "not-an-email", password: "short", name: "   " });
    expect(auth.user).toBeNull();
    expect(auth.userErrors.map((e) => [e.code, e.field])).toEqual(
      expect.arrayContaining([
        ["INVALID", ["input", "email"]],
        ["INVALID", ["input", "password"]],
        ["INVALID", ["input", "name"]],
      ]),
    );
  });

  it("stores an argon2id hash, never the password", async () => {
    const email = uniqueEmail();
    await register({ email, password: "my secret words", name: "Hash" });
    const { rows } = await users.database.pool.query("select password_hash from users where email = $1", [email]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain("my secret words");
  });
});

describe("login", () => {
  it("signs in with the right password, in any email case", async () => {
    const email = uniqueEmail("Login");
    await register({ email, password: "open sesame", name: "Ali" });
    const result = await callSubgraph<{ login: AuthResult }>(users.url, LOGIN, {
      email: email.toUpperCase(),
      password: "open sesame",
    });
    expect(result.data!.login.userErrors).toEqual([]);
    expect(result.data!.login.user!.email).toBe(email);
  });

  it("gives the same INVALID_CREDENTIALS for a wrong password and an unknown email", async () => {
    const email = uniqueEmail();
    await register({ email, password: "open sesame", name: "Ali" });
    const wrongPassword = await callSubgraph<{ login: AuthResult }>(users.url, LOGIN, {
      email,
      password: "open barley",
    });
    const unknownEmail = await callSubgraph<{ login: AuthResult }>(users.url, LOGIN, {
      email: uniqueEmail("nobody"),
      password: "open sesame",
    });
    expect(wrongPassword.data!.login).toEqual(unknownEmail.data!.login);
    expect(wrongPassword.data!.login.userErrors).toEqual([
      { code: "INVALID_CREDENTIALS", field: null, message: expect.any(String) },
    ]);
    expect(wrongPassword.data!.login.accessToken).toBeNull();
  });
});

describe("refresh tokens", () => {
  it("rotate: each refresh spends the token and issues a new pair", async () => {
    const first = await register({ email: uniqueEmail(), password: "password123", name: "Rota" });
    const second = (await callSubgraph<{ refreshToken: AuthResult }>(users.url, REFRESH, { t: first.refreshToken }))
      .data!.refreshToken;
    expect(second.userErrors).toEqual([]);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user!.id).toBe(first.user!.id);
    const third = (await callSubgraph<{ refreshToken: AuthResult }>(users.url, REFRESH, { t: second.refreshToken }))
      .data!.refreshToken;
    expect(third.userErrors).toEqual([]);
  });

  it("two tabs refreshing with one token at once both stay signed in, with the same new pair", async () => {
    const first = await register({ email: uniqueEmail(), password: "password123", name: "Tabs" });
    const results = await Promise.all(
      [1, 2, 3].map(() => callSubgraph<{ refreshToken: AuthResult }>(users.url, REFRESH, { t: first.refreshToken })),
    );
    const sessions = results.map((result) => result.data!.refreshToken);
    expect(sessions.map((session) => session.userErrors)).toEqual([[], [], []]);
    expect(new Set(sessions.map((session) => session.refreshToken)).size).toBe(1);
    expect(new Set(sessions.map((session) => session.accessToken)).size).toBe(1);
    // The pair they share goes on working.
    const next = (
      await callSubgraph<{ refreshToken: AuthResult }>(users.url, REFRESH, { t: sessions[0]!.refreshToken })
    ).data!.refreshToken;
    expect(next.userErrors).toEqual([]);
  });

  describe("after the reuse grace window", () => {
    let strict: UsersHarness;
    beforeAll(async () => {
      strict = await startUsersHarness({ REFRESH_REUSE_GRACE_SECONDS: "0" });
    });
    afterAll(() => strict?.close());

    it("a spent token presented again revokes the whole family, including the newest token", async () => {
      const registered = await callSubgraph<{ register: AuthResult }>(strict.url, REGISTER, {
        input: { email: uniqueEmail(), password: "password123", name: "Thief" },
      });
      const first = registered.data!.register;
      const second = (await callSubgraph<{ refreshToken: AuthResult }>(strict.url, REFRESH, { t: first.refreshToken }))
        .data!.refreshToken;
      expect(second.userErrors).toEqual([]);
      const replay = (await callSubgraph<{ refreshToken: AuthResult }>(strict.url, REFRESH, { t: first.refreshToken }))
        .data!.refreshToken;
      expect(replay.userErrors[0]?.code).toBe("INVALID_TOKEN");
      expect(replay.accessToken).toBeNull();
      const afterRevocation = (
        await callSubgraph<{ refreshToken: AuthResult }>(strict.url, REFRESH, { t: second.refreshToken })
      ).data!.refreshToken;
      expect(afterRevocation.userErrors[0]?.code).toBe("INVALID_TOKEN");
    });
  });

  it("rejects garbage without an internal error", async () => {
    for (const token of ["", "rt_nope", "x".repeat(5000)]) {
      const result = await callSubgraph<{ refreshToken: AuthResult }>(users.url, REFRESH, { t: token });
      expect(result.errors).toBeUndefined();
      expect(result.data!.refreshToken.userErrors[0]?.code).toBe("INVALID_TOKEN");
    }
  });

  it("logout ends the session: its refresh token stops working", async () => {
    const auth = await register({ email: uniqueEmail(), password: "password123", name: "Bye" });
    const logout = await callSubgraph<{ logout: { success: boolean | null } }>(users.url, LOGOUT, {
      t: auth.refreshToken,
    });
    expect(logout.data!.logout.success).toBe(true);
    const refresh = (await callSubgraph<{ refreshToken: AuthResult }>(users.url, REFRESH, { t: auth.refreshToken }))
      .data!.refreshToken;
    expect(refresh.userErrors[0]?.code).toBe("INVALID_TOKEN");
    const unknown = await callSubgraph<{ logout: { success: boolean | null; userErrors: Array<{ code: string }> } }>(
      users.url,
      LOGOUT,
      { t: "rt_unknown" },
    );
    expect(unknown.data!.logout).toEqual({
      success: null,
      userErrors: [{ code: "INVALID_TOKEN", message: expect.any(String) }],
    });
  });
});

describe("password guessing", () => {
  it("after 10 failed sign-ins an email is refused with RATE_LIMITED, even with the right password; others are not", async () => {
    const email = uniqueEmail("guessed");
    const other = uniqueEmail("bystander");
    await register({ email, password: "the right one", name: "Target" });
    await register({ email: other, password: "the right one", name: "Bystander" });
    for (let i = 0; i < 10; i++) {
      const wrong = await callSubgraph<{ login: AuthResult }>(users.url, LOGIN, { email, password: `guess ${i}` });
      expect(wrong.data!.login.userErrors[0]!.code).toBe("INVALID_CREDENTIALS");
    }
    const blocked = await callSubgraph<{ login: AuthResult }>(users.url, LOGIN, {
      email: email.toUpperCase(),
      password: "the right one",
    });
    expect(blocked.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(blocked.errors?.[0]?.message).toMatch(/Try again in 15 minutes/);
    const fine = await callSubgraph<{ login: AuthResult }>(users.url, LOGIN, {
      email: other,
      password: "the right one",
    });
    expect(fine.data!.login.userErrors).toEqual([]);
  });

  it("a successful sign-in clears earlier failures", async () => {
    const email = uniqueEmail("forgetful");
    await register({ email, password: "the right one", name: "Forgetful" });
    for (let i = 0; i < 9; i++) await callSubgraph(users.url, LOGIN, { email, password: `guess ${i}` });
    expect(
      (await callSubgraph<{ login: AuthResult }>(users.url, LOGIN, { email, password: "the right one" })).data!.login
        .userErrors,
    ).toEqual([]);
    for (let i = 0; i < 9; i++) await callSubgraph(users.url, LOGIN, { email, password: `again ${i}` });
    expect(
      (await callSubgraph<{ login: AuthResult }>(users.url, LOGIN, { email, password: "the right one" })).data!.login
        .userErrors,
    ).toEqual([]);
  });
});
