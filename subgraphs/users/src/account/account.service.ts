import { Role, type Viewer } from "@cartograph/service-kit/auth";
import {
  buildConnection,
  parsePageArgs,
  type PageArgsInput,
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Connection,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import { z } from "zod";
import type { UsersDb } from "../db";
import type { UserRow } from "../db/schema";
import { AccountRepository } from "./account.repository";
import { nameSchema } from "./account.rules";

const updateProfileSchema = z.object({ name: nameSchema.optional() });

const rolesSchema = z
  .array(z.enum(Role))
  .min(1, "A user needs at least one role.")
  .transform((roles) => [...new Set(roles)]);

/** Profiles and roles. Authorization (who may call) is the resolver's; these are the rules. */
export class AccountService {
  private readonly accounts: AccountRepository;

  constructor(db: UsersDb) {
    this.accounts = new AccountRepository(db);
  }

  async listUsers(args: PageArgsInput): Promise<Connection<UserRow>> {
    const page = parsePageArgs(args, 2);
    const { rows, totalCount } = await this.accounts.listNewestFirst(page);
    return buildConnection(rows, page, totalCount, (user) => [user.createdAt.toISOString(), user.id]);
  }

  async updateProfile(viewer: Viewer, input: unknown): Promise<Outcome<UserRow>> {
    const valid = validateInput(updateProfileSchema, input, ["input"]);
    if (!valid.ok) return valid;
    const changes = valid.value.name === undefined ? {} : { name: valid.value.name };
    const user = Object.keys(changes).length
      ? await this.accounts.update(viewer.userId, changes)
      : (await this.accounts.findByIds([viewer.userId]))[0];
    return user ? succeed(user) : refuse(userError(UserErrorCode.NOT_FOUND, "Your account no longer exists."));
  }

  async setUserRoles(admin: Viewer, userId: string, roles: unknown): Promise<Outcome<UserRow>> {
    const valid = validateInput(rolesSchema, roles, ["roles"]);
    if (!valid.ok) return valid;
    if (userId === admin.userId && !valid.value.includes(Role.ADMIN)) {
      // Keeps at least the acting admin; otherwise the shop could lock itself out.
      return refuse(userError(UserErrorCode.INVALID, "You cannot remove your own admin role.", ["roles"]));
    }
    const user = await this.accounts.update(userId, { roles: valid.value });
    return user ? succeed(user) : refuse(userError(UserErrorCode.NOT_FOUND, "No user has this id.", ["userId"]));
  }
}
