import { randomBytes } from "node:crypto";

/** No test run lasts this long: a name older than this that is still around was left by a killed run. */
export const LEFTOVER_AFTER_MS = 2 * 60 * 60 * 1000;

/**
 * A unique part for the names of test databases, exchanges and queues: `<ms in base 36>x<hex>`.
 * It says when it was made, so a later run can tell what a killed run left from what a run going
 * on beside it (the image smoke test's platform, another worker) is using.
 */
export function uniqueStamp(): string {
  return `${Date.now().toString(36)}x${randomBytes(3).toString("hex")}`;
}

/** Whether a test name was made more than LEFTOVER_AFTER_MS ago (or before names had a stamp). */
export function isLeftover(name: string, now = Date.now()): boolean {
  const stamp = /(?:^|[._])([0-9a-z]{8,9})x[0-9a-f]{6}(?=[._]|$)/.exec(name);
  if (!stamp) return true;
  return now - Number.parseInt(stamp[1]!, 36) > LEFTOVER_AFTER_MS;
}
