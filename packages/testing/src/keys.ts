import { generateKeyPairSync } from "node:crypto";

/** A fresh RS256 key for a test's users service, so tests never share signing keys. */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
}
