import "reflect-metadata";
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { registerEnumType, type AuthCheckerFn } from "type-graphql";
import { forbidden, invalidToken, unauthenticated } from "./errors";

export enum Role {
  CUSTOMER = "CUSTOMER",
  ADMIN = "ADMIN",
}
registerEnumType(Role, { name: "Role" });

export const ACCESS_TOKEN_ISSUER = "cartograph-users";
export const ACCESS_TOKEN_AUDIENCE = "cartograph";

/** Who is making the request, from a verified access token. */
export interface Viewer {
  userId: string;
  roles: Role[];
  tokenId: string;
}

export interface AccessTokenClaims {
  sub: string;
  roles: Role[];
  jti: string;
}

export interface JwksDocument {
  keys: Array<JsonWebKey & { kid?: string }>;
}

export interface AccessTokenVerifier {
  /** Resolves to the viewer, or rejects with an UNAUTHENTICATED GraphQLError. */
  verify(token: string): Promise<Viewer>;
}

const roleValues = new Set<string>(Object.values(Role));

function viewerFromClaims(payload: unknown): Viewer {
  if (typeof payload !== "object" || payload === null) throw invalidToken();
  const { sub, roles, jti } = payload as Record<string, unknown>;
  if (
    typeof sub !== "string" ||
    typeof jti !== "string" ||
    !Array.isArray(roles) ||
    !roles.every((r) => roleValues.has(r))
  ) {
    throw invalidToken();
  }
  return { userId: sub, roles: roles as Role[], tokenId: jti };
}

/** Verifies RS256 access tokens against a fixed key set (users' own keys, or tests). */
export function createStaticKeyVerifier(keysByKid: Map<string, KeyObject>): AccessTokenVerifier {
  return {
    async verify(token) {
      const kid = readKid(token);
      const key = kid ? keysByKid.get(kid) : undefined;
      if (!key) throw invalidToken();
      return verifyWithKey(token, key);
    },
  };
}

function readKid(token: string): string | undefined {
  const decoded = jwt.decode(token, { complete: true });
  const kid = decoded?.header.kid;
  return typeof kid === "string" ? kid : undefined;
}

function verifyWithKey(token: string, key: KeyObject): Viewer {
  try {
    const payload = jwt.verify(token, key, {
      algorithms: ["RS256"],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
    });
    return viewerFromClaims(payload);
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError)
      throw invalidToken("The access token has expired. Refresh it and try again.");
    throw invalidToken();
  }
}

export function keysFromJwks(jwks: JwksDocument): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwks.keys) {
    if (jwk.kty !== "RSA" || !jwk.kid) continue;
    keys.set(jwk.kid, createPublicKey({ key: jwk, format: "jwk" }));
  }
  return keys;
}

/**
 * Verifies access tokens with keys fetched from the users service's JWKS. Keys are cached; an
 * unknown `kid` (a rotated key) triggers a refetch, at most once per `minRefetchMs`.
 */
export function createJwksVerifier(
  jwksUrl: string,
  { minRefetchMs = 30_000, timeoutMs = 3_000 } = {},
): AccessTokenVerifier {
  let keys = new Map<string, KeyObject>();
  let lastFetch = 0;
  let inFlight: Promise<void> | null = null;

  const refresh = () => {
    inFlight ??= (async () => {
      try {
        const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`JWKS request failed with HTTP ${response.status}`);
        keys = keysFromJwks((await response.json()) as JwksDocument);
        lastFetch = Date.now();
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  return {
    async verify(token) {
      const kid = readKid(token);
      if (!kid) throw invalidToken();
      if (!keys.has(kid) && Date.now() - lastFetch >= minRefetchMs) {
        try {
          await refresh();
        } catch {
          // Without keys no token can be trusted; the caller sees an auth failure, not a crash.
          throw invalidToken("Access tokens cannot be verified right now. Try again shortly.");
        }
      }
      const key = keys.get(kid);
      if (!key) throw invalidToken();
      return verifyWithKey(token, key);
    },
  };
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

/** "(owner)" in API.md: the owning user or an admin, else FORBIDDEN. */
export function requireOwnerOrAdmin(viewer: Viewer | null, ownerId: string): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.userId !== ownerId && !hasRole(signedIn, Role.ADMIN)) throw forbidden();
  return signedIn;
}

export interface AuthContext {
  viewer: Viewer | null;
}

/** type-graphql `authChecker`: `@Authorized()` needs a viewer, `@Authorized(Role.ADMIN)` that role. */
export const authChecker: AuthCheckerFn<AuthContext, Role> = ({ context }, roles) => {
  const viewer = requireViewer(context.viewer);
  if (roles.length > 0 && !roles.some((role) => viewer.roles.includes(role))) throw forbidden();
  return true;
};
