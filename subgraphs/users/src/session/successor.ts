import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/** The session a used refresh token was exchanged for, as the client got it. */
export interface SealedSession {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * AES-256-GCM under a key derived from the used refresh token itself: only a holder of that token
 * can open what is stored beside its hash, so the database never holds a usable token.
 */
function keyFor(usedToken: string): Buffer {
  return Buffer.from(hkdfSync("sha256", usedToken, Buffer.alloc(0), "cartograph refresh successor", 32));
}

export function sealSuccessor(usedToken: string, session: SealedSession): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(usedToken), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(session), "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString("base64url")).join(".");
}

/** The session, or null if this token cannot open it (it was not the one used). */
export function openSuccessor(usedToken: string, stored: string): SealedSession | null {
  try {
    const [iv, tag, sealed] = stored.split(".").map((part) => Buffer.from(part, "base64url"));
    const decipher = createDecipheriv("aes-256-gcm", keyFor(usedToken), iv!);
    decipher.setAuthTag(tag!);
    return JSON.parse(Buffer.concat([decipher.update(sealed!), decipher.final()]).toString("utf8")) as SealedSession;
  } catch {
    return null;
  }
}
