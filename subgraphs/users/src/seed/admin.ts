import { newId } from "@cartograph/service-kit";
import { Role } from "@cartograph/service-kit/auth";
import { AccountRepository } from "../account/account.repository";
import { DEMO_ADMIN, type UsersConfig } from "../config";
import type { UsersDb } from "../db";
import { hashPassword } from "../session/password";

/**
 * Creates the first admin from configuration, or makes the existing account an admin again.
 * Idempotent. The demo credentials apply outside production only.
 */
export async function seedAdmin(db: UsersDb, config: UsersConfig): Promise<{ email: string; created: boolean }> {
  const email = config.CARTOGRAPH_ADMIN_EMAIL ?? (config.NODE_ENV === "production" ? undefined : DEMO_ADMIN.email);
  const password =
    config.CARTOGRAPH_ADMIN_PASSWORD ?? (config.NODE_ENV === "production" ? undefined : DEMO_ADMIN.password);
  if (!email || !password)
    throw new Error("CARTOGRAPH_ADMIN_EMAIL and CARTOGRAPH_ADMIN_PASSWORD are required in production");
  const accounts = new AccountRepository(db);
  const existing = await accounts.findByEmail(email);
  if (existing) {
    const roles = [...new Set([...existing.roles, Role.ADMIN])];
    await accounts.update(existing.id, { roles, passwordHash: await hashPassword(password) });
    return { email, created: false };
  }
  await accounts.insert(db, {
    id: newId("usr"),
    email,
    name: "Admin",
    passwordHash: await hashPassword(password),
    roles: [Role.ADMIN, Role.CUSTOMER],
  });
  return { email, created: true };
}
