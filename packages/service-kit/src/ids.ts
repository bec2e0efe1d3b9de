import { randomUUID } from "node:crypto";

/** Opaque ids with a readable prefix, so a log line says what an id points at (`usr_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}
