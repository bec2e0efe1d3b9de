import { type Logger } from "@cartograph/service-kit";
import { bearerToken, type AccessTokenVerifier, type Viewer } from "@cartograph/service-kit/auth";

/** Per-request state at the router: who is calling (already verified) and what to forward. */
export interface RouterContext {
  requestId: string;
  log: Logger;
  viewer: Viewer | null;
  /** Forwarded unchanged; every subgraph verifies it again. */
  accessToken: string | null;
  /** The caller's address (forwarded only through TRUSTED_PROXIES): who pays when not signed in. */
  clientAddress?: string;
  /** The ids of the entities the subgraphs answered with: a cached response's tags. */
  cacheTags?: Set<string>;
}

/**
 * Verifies the bearer token before any subgraph is called: a bad or expired token is
 * UNAUTHENTICATED (HTTP 401) for the whole request; no token means an anonymous request.
 */
export async function authenticate(
  authorization: string | undefined,
  verifier: AccessTokenVerifier,
): Promise<Pick<RouterContext, "viewer" | "accessToken">> {
  const accessToken = bearerToken(authorization);
  if (!accessToken) return { viewer: null, accessToken: null };
  return { viewer: await verifier.verify(accessToken), accessToken };
}
