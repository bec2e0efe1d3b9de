import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  createStaticKeyVerifier,
  type AccessTokenVerifier,
  type JwksDocument,
  type Role,
} from "@cartograph/service-kit";
import jwt from "jsonwebtoken";
import { randomUUID } from "node:crypto";

/** The key that signs access tokens, with its public half as a JWK for `/.well-known/jwks.json`. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** RFC 7638 thumbprint: a stable `kid` derived from the key itself, equal on every replica. */
function thumbprint(publicKey: KeyObject): string {
  const { e, kty, n } = publicKey.export({ format: "jwk" });
  return createHash("sha256").update(JSON.stringify({ e, kty, n })).digest("base64url");
}

/** Loads the configured PEM key, or (outside production, checked by config) makes a throwaway one. */
export function loadSigningKey(privateKeyPem: string | undefined): { key: SigningKey; generated: boolean } {
  const privateKey = privateKeyPem
    ? createPrivateKey(privateKeyPem.replaceAll("\\n", "\n"))
    : generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  if (privateKey.asymmetricKeyType !== "rsa") throw new Error("JWT_PRIVATE_KEY must be an RSA private key (RS256)");
  const publicKey = createPublicKey(privateKey);
  return { key: { kid: thumbprint(publicKey), privateKey, publicKey }, generated: !privateKeyPem };
}

export function jwksOf(key: SigningKey): JwksDocument {
  return { keys: [{ ...key.publicKey.export({ format: "jwk" }), kid: key.kid, use: "sig", alg: "RS256" }] };
}

/** The users service checks its own tokens with the same rules as everyone else, without a fetch. */
export function verifierFor(key: SigningKey): AccessTokenVerifier {
  return createStaticKeyVerifier(new Map([[key.kid, key.publicKey]]));
}

export function signAccessToken(
  key: SigningKey,
  subject: { userId: string; roles: Role[] },
  ttlSeconds: number,
): string {
  return jwt.sign({ roles: subject.roles }, key.privateKey, {
    algorithm: "RS256",
    keyid: key.kid,
    subject: subject.userId,
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    expiresIn: ttlSeconds,
    jwtid: randomUUID(),
  });
}
