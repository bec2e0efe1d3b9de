import { generateKeyPairSync, randomUUID } from "node:crypto";
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  createStaticKeyVerifier,
  Role,
  type AccessTokenVerifier,
} from "@cartograph/service-kit/auth";
import jwt from "jsonwebtoken";

/** Signs access tokens as the users service would, for testing a subgraph on its own. */
export interface TestTokens {
  verifier: AccessTokenVerifier;
  sign: (userId: string, roles: Role[], options?: { expiresInSeconds?: number }) => string;
  customer: (userId?: string) => string;
  admin: (userId?: string) => string;
}

export function createTestTokens(): TestTokens {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = `test-${randomUUID()}`;
  const sign: TestTokens["sign"] = (userId, roles, { expiresInSeconds = 900 } = {}) =>
    jwt.sign({ roles }, privateKey, {
      algorithm: "RS256",
      keyid: kid,
      subject: userId,
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      expiresIn: expiresInSeconds,
      jwtid: randomUUID(),
    });
  return {
    verifier: createStaticKeyVerifier(new Map([[kid, publicKey]])),
    sign,
    customer: (userId = `usr_customer_${randomUUID().slice(0, 8)}`) => sign(userId, [Role.CUSTOMER]),
    admin: (userId = `usr_admin_${randomUUID().slice(0, 8)}`) => sign(userId, [Role.ADMIN, Role.CUSTOMER]),
  };
}
