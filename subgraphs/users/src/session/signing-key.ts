import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  createStaticKeyVerifier,
  publicJwk,
  type AccessTokenVerifier,
  type JwksDocument,
  type Role,
} from "@cartograph/service-kit/auth";
import { calculateJwkThumbprint, exportJWK } from "jose";
import jwt from "jsonwebtoken";

/** The key that signs access tokens, with its public half as a JWK for `/.well-known/jwks.json`. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** RFC 7638 thumbprint: a stable `kid` derived from the key itself, equal on every replica. */
async function thumbprint(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey), "sha256");
}

/** Loads the configured PEM key, or (outside production, checked by config) makes a throwaway one. */
export async function loadSigningKey(
  privateKeyPem: string | undefined,
): Promise<{ key: SigningKey; generated: boolean }> {
  const privateKey = privateKeyPem
    ? createPrivateKey(privateKeyPem.replaceAll("\\n", "\n"))
    : generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  if (privateKey.asymmetricKeyType !== "rsa") throw new Error("JWT_PRIVATE_KEY must be an RSA private key (RS256)");
  const publicKey = createPublicKey(privateKey);
  return { key: { kid: await thumbprint(publicKey), privateKey, publicKey }, generated: !privateKeyPem };
}

export async function jwksOf(key: SigningKey): Promise<JwksDocument> {
  return { keys: [await publicJwk(key.publicKey, key.kid)] };
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
