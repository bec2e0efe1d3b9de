import { createPrivateKey, createPublicKey } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@cartograph/service-kit";
import { createJwksVerifier, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { callSubgraph, generateSigningKeyPem, uniqueEmail } from "@cartograph/testing";
import { startUsersSubgraph, type UsersSubgraph } from "../src/app";
import { startUsersHarness, type UsersHarness } from "./harness";

/**
 * Rotating the signing key while shoppers are signed in: the next key is published first, then
 * signs, while the previous one is still accepted; a verifier that cached the old JWKS fetches
 * it again on the unknown `kid`. Nobody is signed out, and the retired key stops working last.
 */
const AUTH_FIELDS = "accessToken refreshToken userErrors { code }";
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`;
const ME = "{ me { id } }";

interface Session {
  accessToken: string | null;
  refreshToken: string | null;
  userErrors: Array<{ code: string }>;
}

const publicPem = (privatePem: string) =>
  createPublicKey(createPrivateKey(privatePem)).export({ type: "spki", format: "pem" }).toString();
const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as { kid: string }).kid;

const oldKey = generateSigningKeyPem();
const newKey = generateSigningKeyPem();

let first: UsersHarness;
const replicas: UsersSubgraph[] = [];
/** The stable address the router knows users by (a Kubernetes Service), pointed at whichever replica is current. */
let current = "";
let jwksFront: http.Server;
let verifier: AccessTokenVerifier;

beforeAll(async () => {
  first = await startUsersHarness({ JWT_PRIVATE_KEY: oldKey });
  current = first.baseUrl;
  jwksFront = http.createServer(async (req, res) => {
    const answer = await fetch(`${current}${req.url}`);
    res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
  });
  await new Promise<void>((resolve) => jwksFront.listen(0, "127.0.0.1", resolve));
  const { port } = jwksFront.address() as AddressInfo;
  verifier = createJwksVerifier(`http://127.0.0.1:${port}/.well-known/jwks.json`, { minRefetchMs: 0 });
});
afterAll(async () => {
  for (const replica of replicas) await replica.stop();
  jwksFront?.closeAllConnections();
  await new Promise((resolve) => jwksFront?.close(resolve));
  await first?.close();
});

/** Another users replica over the same database, as a rolling deploy starts it. */
async function deploy(env: { JWT_PRIVATE_KEY: string; JWT_ACCEPTED_PUBLIC_KEYS?: string }): Promise<string> {
  const replica = await startUsersSubgraph(
    { ...first.config, PORT: 0, JWT_ACCEPTED_PUBLIC_KEYS: "", ...env },
    createLogger("users-rotation-test", "silent"),
  );
  replicas.push(replica);
  current = replica.server.url.replace(/\/graphql$/, "");
  return replica.server.url;
}

const signedInAs = async (url: string, accessToken: string) =>
  (await callSubgraph<{ me: { id: string } | null }>(url, ME, {}, { accessToken })).data?.me?.id ?? null;

describe("rotating the signing key", () => {
  it("keeps every session alive through the rotation, and retires the old key last", async () => {
    const registered = await callSubgraph<{ register: Session }>(first.url, REGISTER, {
      input: { email: uniqueEmail("rotation"), password: "password123", name: "Rotating" },
    });
    const before = registered.data!.register;
    const userId = (await verifier.verify(before.accessToken!)).userId; // the verifier now holds the old JWKS

    // 1. The next key is published (not yet signing) everywhere.
    const publishing = await deploy({ JWT_PRIVATE_KEY: oldKey, JWT_ACCEPTED_PUBLIC_KEYS: publicPem(newKey) });
    const jwks = (await (await fetch(`${current}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys).toHaveLength(2);
    expect(await signedInAs(publishing, before.accessToken!)).toBe(userId);

    // 2. The next key signs; the previous one is still accepted. The live session refreshes.
    const rotated = await deploy({ JWT_PRIVATE_KEY: newKey, JWT_ACCEPTED_PUBLIC_KEYS: publicPem(oldKey) });
    const refreshed = (await callSubgraph<{ refreshToken: Session }>(rotated, REFRESH, { t: before.refreshToken }))
      .data!.refreshToken;
    expect(refreshed.userErrors).toEqual([]);
    expect(kidOf(refreshed.accessToken!)).not.toBe(kidOf(before.accessToken!));
    expect((await verifier.verify(refreshed.accessToken!)).userId).toBe(userId);
    expect((await verifier.verify(before.accessToken!)).userId).toBe(userId);
    expect(await signedInAs(rotated, before.accessToken!)).toBe(userId);
    expect(await signedInAs(rotated, refreshed.accessToken!)).toBe(userId);

    // 3. Once the old key's tokens have expired, it is dropped: what it signed is refused.
    const retired = await deploy({ JWT_PRIVATE_KEY: newKey });
    expect(await signedInAs(retired, refreshed.accessToken!)).toBe(userId);
    const refused = await callSubgraph(retired, ME, {}, { accessToken: before.accessToken! });
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a value with no public key in it, rather than publishing nothing", async () => {
    await expect(deploy({ JWT_PRIVATE_KEY: newKey, JWT_ACCEPTED_PUBLIC_KEYS: "not a key" })).rejects.toThrow(
      /JWT_ACCEPTED_PUBLIC_KEYS/,
    );
  });
});
