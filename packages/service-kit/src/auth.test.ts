import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLError } from "graphql";
import jwt from "jsonwebtoken";
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  bearerToken,
  createJwksVerifier,
  rememberingVerified,
  requireOwnerOrAdmin,
  Role,
} from "./auth";
import { authChecker } from "./graphql/auth-checker";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const kid = "key-1";

function sign(claims: object, options: jwt.SignOptions = {}, key = privateKey) {
  return jwt.sign(claims, key, {
    algorithm: "RS256",
    keyid: kid,
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    subject: "usr_1",
    jwtid: "t1",
    expiresIn: 60,
    ...options,
  });
}

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
    return "no error";
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : String(error);
  }
}

let server: Server;
let fetches = 0;
let jwksUrl: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    fetches += 1;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("access token verification against JWKS", () => {
  it("accepts a valid token and caches the keys", async () => {
    const verifier = createJwksVerifier(jwksUrl);
    const before = fetches;
    await expect(verifier.verify(sign({ roles: ["CUSTOMER"] }))).resolves.toEqual({
      userId: "usr_1",
      roles: [Role.CUSTOMER],
      tokenId: "t1",
    });
    await verifier.verify(sign({ roles: ["ADMIN"] }));
    expect(fetches - before).toBe(1);
  });

  it("rejects expired, foreign, mis-addressed and role-tampered tokens as UNAUTHENTICATED", async () => {
    const verifier = createJwksVerifier(jwksUrl, { minRefetchMs: 0 });
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const cases = [
      sign({ roles: ["CUSTOMER"] }, { expiresIn: -60 }),
      sign({ roles: ["CUSTOMER"] }, {}, other),
      sign({ roles: ["CUSTOMER"] }, { audience: "someone-else" }),
      sign({ roles: ["CUSTOMER"] }, { issuer: "someone-else" }),
      sign({ roles: ["SUPERUSER"] }),
      sign({ roles: ["CUSTOMER"] }, { keyid: "unknown" }),
      jwt.sign({ roles: ["ADMIN"], sub: "usr_1", jti: "x" }, "shared-secret", { algorithm: "HS256", keyid: kid }),
      "not-a-token",
    ];
    for (const token of cases) expect(await codeOf(verifier.verify(token))).toBe("UNAUTHENTICATED");
  });

  it("allows 30 s of clock skew, and says an expired token is TOKEN_EXPIRED (refresh), not invalid", async () => {
    const verifier = createJwksVerifier(jwksUrl);
    await expect(verifier.verify(sign({ roles: ["CUSTOMER"] }, { expiresIn: -20 }))).resolves.toMatchObject({
      userId: "usr_1",
    });
    const refused = await verifier.verify(sign({ roles: ["CUSTOMER"] }, { expiresIn: -60 })).catch((e: unknown) => e);
    expect((refused as GraphQLError).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    const forged = await verifier
      .verify(sign({ roles: ["CUSTOMER"] }, {}, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey))
      .catch((e: unknown) => e);
    expect((forged as GraphQLError).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
  });

  it("reads only well-formed bearer headers", () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(() => bearerToken("Basic dXNlcjpwYXNz")).toThrow(GraphQLError);
  });
});

describe("authorization rules", () => {
  const customer = { userId: "usr_1", roles: [Role.CUSTOMER], tokenId: "t" };
  const admin = { userId: "usr_9", roles: [Role.ADMIN], tokenId: "t" };
  const check = (viewer: typeof customer | null, roles: Role[]) =>
    codeOf(
      Promise.resolve().then(() => authChecker({ context: { viewer }, root: {}, args: {}, info: {} as never }, roles)),
    );

  it("@Authorized() needs a viewer; @Authorized(ADMIN) needs the role", async () => {
    expect(await check(null, [])).toBe("UNAUTHENTICATED");
    expect(await check(customer, [])).toBe("no error");
    expect(await check(customer, [Role.ADMIN])).toBe("FORBIDDEN");
    expect(await check(admin, [Role.ADMIN])).toBe("no error");
  });

  it("owner-or-admin lets the owner and admins through, nobody else", () => {
    expect(requireOwnerOrAdmin(customer, "usr_1")).toBe(customer);
    expect(requireOwnerOrAdmin(admin, "usr_1")).toBe(admin);
    expect(() => requireOwnerOrAdmin(customer, "usr_2")).toThrow(GraphQLError);
    expect(() => requireOwnerOrAdmin(null, "usr_2")).toThrow(GraphQLError);
  });
});

describe("verified tokens remembered until they expire", () => {
  it("verifies a token once, and again once it has expired", async () => {
    let calls = 0;
    const inner = {
      verify: async () => {
        calls += 1;
        return { userId: "usr_1", roles: [Role.CUSTOMER], tokenId: "t1" };
      },
    };
    const verifier = rememberingVerified(inner);
    const live = sign({ roles: ["CUSTOMER"] }, { expiresIn: 60 });
    await verifier.verify(live);
    await verifier.verify(live);
    expect(calls).toBe(1);
    const expired = sign({ roles: ["CUSTOMER"] }, { expiresIn: -1 }); // the fake verifier ignores skew
    await verifier.verify(expired);
    await verifier.verify(expired);
    expect(calls).toBe(3);
  });
});
