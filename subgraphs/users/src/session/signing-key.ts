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

/** A key that verifies but never signs (the next one, or the one before). */
export interface AcceptedKey {
  kid: string;
  publicKey: KeyObject;
}

const PEM_PUBLIC_KEY = /-----BEGIN (?:RSA )?PUBLIC KEY-----[\s\S]+?-----END (?:RSA )?PUBLIC KEY-----/g;

/** JWT_ACCEPTED_PUBLIC_KEYS: every PEM public key in it (one-line values use `\n`), RSA only. */
export async function loadAcceptedKeys(pems: string): Promise<AcceptedKey[]> {
  const text = pems.replaceAll("\\n", "\n");
  const blocks = text.match(PEM_PUBLIC_KEY) ?? [];
  if (blocks.length === 0 && text.trim() !== "")
    throw new Error("JWT_ACCEPTED_PUBLIC_KEYS holds no PEM public key (-----BEGIN PUBLIC KEY-----)");
  return Promise.all(
    blocks.map(async (pem) => {
      const publicKey = createPublicKey(pem);
      if (publicKey.asymmetricKeyType !== "rsa") throw new Error("JWT_ACCEPTED_PUBLIC_KEYS must hold RSA keys (RS256)");
      return { kid: await thumbprint(publicKey), publicKey };
    }),
  );
}

/** The signing key first, then the accepted ones: during a rotation the JWKS holds both. */
export async function jwksOf(key: SigningKey, accepted: readonly AcceptedKey[] = []): Promise<JwksDocument> {
  const published = [key, ...accepted.filter((other) => other.kid !== key.kid)];
  return { keys: await Promise.all(published.map((each) => publicJwk(each.publicKey, each.kid))) };
}

/** The users service checks its own tokens with the same rules as everyone else, without a fetch. */
export function verifierFor(key: SigningKey, accepted: readonly AcceptedKey[] = []): AccessTokenVerifier {
  return createStaticKeyVerifier(
    new Map([...accepted, key].map((each): [string, KeyObject] => [each.kid, each.publicKey])),
  );
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
