import type { KeyObject } from "node:crypto";
import { GraphQLError } from "graphql";
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  exportJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { forbidden, invalidToken, unauthenticated } from "./errors";

export enum Role {
  CUSTOMER = "CUSTOMER",
  ADMIN = "ADMIN",
}

export const ACCESS_TOKEN_ISSUER = "cartograph-users";
export const ACCESS_TOKEN_AUDIENCE = "cartograph";
/** How far apart the clocks of the signer and a verifier may be. */
export const CLOCK_SKEW_SECONDS = 30;

/** Who is making the request, from a verified access token. */
export interface Viewer {
  userId: string;
  roles: Role[];
  tokenId: string;
}

export interface JwksDocument {
  keys: JWK[];
}

export interface AccessTokenVerifier {
  /** Resolves to the viewer, or rejects with an UNAUTHENTICATED GraphQLError. */
  verify(token: string): Promise<Viewer>;
}

const roleValues = new Set<string>(Object.values(Role));

function viewerFromClaims({ sub, roles, jti }: JWTPayload): Viewer {
  if (
    typeof sub !== "string" ||
    typeof jti !== "string" ||
    !Array.isArray(roles) ||
    !roles.every((role) => roleValues.has(role))
  ) {
    throw invalidToken();
  }
  return { userId: sub, roles: roles as Role[], tokenId: jti };
}

/** RS256 only, our issuer and audience; every failure is UNAUTHENTICATED, with a reason where it helps. */
async function verifyWith(token: string, keys: JWTVerifyGetKey): Promise<Viewer> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ["RS256"],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      // Clocks of the issuing and the verifying machine may disagree a little.
      clockTolerance: CLOCK_SKEW_SECONDS,
    });
    return viewerFromClaims(payload);
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    if (error instanceof errors.JWTExpired)
      throw invalidToken("The access token has expired. Refresh it and try again.", "TOKEN_EXPIRED");
    // The key set could not be fetched (refused, timed out, an HTTP error): not the token's fault.
    // Without keys no token can be trusted; the caller sees an auth failure, not a crash.
    if (
      !(error instanceof errors.JOSEError) ||
      error.code === "ERR_JOSE_GENERIC" ||
      error instanceof errors.JWKSTimeout
    ) {
      throw invalidToken("Access tokens cannot be verified right now. Try again shortly.", "KEYS_UNAVAILABLE");
    }
    throw invalidToken();
  }
}

/** Verifies RS256 access tokens against a fixed key set (users' own keys, or tests). */
export function createStaticKeyVerifier(keysByKid: Map<string, KeyObject>): AccessTokenVerifier {
  return {
    verify: (token) => verifyWith(token, ({ kid }) => keysByKid.get(kid ?? "") ?? noMatchingKey()),
  };
}

function noMatchingKey(): never {
  throw new errors.JWKSNoMatchingKey();
}

/**
 * Verifies access tokens with keys fetched from the users service's JWKS (jose caches them; an
 * unknown `kid`, i.e. a rotated key, refetches at most once per `minRefetchMs`).
 */
export function createJwksVerifier(
  jwksUrl: string,
  { minRefetchMs = 30_000, timeoutMs = 3_000 } = {},
): AccessTokenVerifier {
  const keys = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: minRefetchMs, timeoutDuration: timeoutMs });
  return rememberingVerified({
    verify: (token) => {
      // A token that is not even a JWS never costs a JWKS fetch.
      try {
        decodeProtectedHeader(token);
      } catch {
        return Promise.reject(invalidToken());
      }
      return verifyWith(token, keys);
    },
  });
}

/**
 * Remembers each verified token until it expires, so a shopper's every request costs one map
 * lookup instead of an RSA verification. Access tokens cannot be revoked before they expire
 * anyway, so this changes no answer. Bounded: the oldest entries go first.
 */
export function rememberingVerified(verifier: AccessTokenVerifier, { max = 10_000 } = {}): AccessTokenVerifier {
  const verified = new Map<string, { viewer: Viewer; expiresAt: number }>();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known && known.expiresAt > Date.now()) return known.viewer;
      if (known) verified.delete(token);
      const viewer = await verifier.verify(token);
      const { exp } = decodeJwt(token);
      if (typeof exp === "number") {
        if (verified.size >= max) verified.delete(verified.keys().next().value!);
        verified.set(token, { viewer, expiresAt: exp * 1000 });
      }
      return viewer;
    },
  };
}

/** The public half of a signing key as a JWK for `/.well-known/jwks.json`. */
export async function publicJwk(publicKey: KeyObject, kid: string): Promise<JWK> {
  return { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
}

/** Reads `Authorization: Bearer <token>`; a malformed header is treated as a bad token. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  if (!match?.[1]) throw invalidToken("The Authorization header must be `Bearer <accessToken>`.");
  return match[1];
}

export function hasRole(viewer: Viewer | null, role: Role): boolean {
  return viewer?.roles.includes(role) ?? false;
}

/** The signed-in viewer, or UNAUTHENTICATED. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

/** "(owner)" in docs/api.md: the owning user or an admin, else FORBIDDEN. */
export function requireOwnerOrAdmin(viewer: Viewer | null, ownerId: string): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.userId !== ownerId && !hasRole(signedIn, Role.ADMIN)) throw forbidden();
  return signedIn;
}

/** Who is asking, as every resolver context carries it. */
export interface AuthContext {
  viewer: Viewer | null;
}
