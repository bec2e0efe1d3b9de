import { createHash, randomBytes } from "node:crypto";
import { newId, rateLimited } from "@cartograph/service-kit";
import { Role } from "@cartograph/service-kit/auth";
import { isUniqueViolation } from "@cartograph/service-kit/db";
import {
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import type { Logger } from "@cartograph/service-kit";
import { z } from "zod";
import { announceUserRegistered } from "../account/account.events";
import { AccountRepository } from "../account/account.repository";
import { emailSchema, nameSchema } from "../account/account.rules";
import type { UsersDb, UsersExecutor } from "../db";
import type { UserRow } from "../db/schema";
import { LoginThrottle } from "./login-throttle";
import { openSuccessor, sealSuccessor } from "./successor";
import { hashPassword, verifyPassword } from "./password";
import { RefreshTokenRepository } from "./refresh-token.repository";
import { signAccessToken, type SigningKey } from "./signing-key";

export interface IssuedSession {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: UserRow;
}

const passwordSchema = z
  .string()
  .min(8, "The password must be at least 8 characters.")
  .max(128, "The password must be at most 128 characters.");

const registerSchema = z.object({ email: emailSchema, password: passwordSchema, name: nameSchema });

const REFRESH_TOKEN_PREFIX = "rt_";
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface SessionSettings {
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** How long a used refresh token still returns the session it was exchanged for. */
  refreshReuseGraceSeconds: number;
  /** Failed sign-ins allowed per email within the window before it is throttled. */
  maxLoginFailures: number;
  loginWindowMinutes: number;
}

/** Registration, sign-in, and the refresh-token family rules (rotation, reuse detection). */
export class SessionService {
  private readonly accounts: AccountRepository;
  private readonly refreshTokens = new RefreshTokenRepository();
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly db: UsersDb,
    private readonly signingKey: SigningKey,
    private readonly settings: SessionSettings,
    private readonly log: Logger,
  ) {
    this.accounts = new AccountRepository(db);
    this.throttle = new LoginThrottle(db, {
      maxFailures: settings.maxLoginFailures,
      windowMinutes: settings.loginWindowMinutes,
    });
  }

  async register(input: unknown): Promise<Outcome<IssuedSession>> {
    const valid = validateInput(registerSchema, input, ["input"]);
    if (!valid.ok) return valid;
    const { email, password, name } = valid.value;
    const passwordHash = await hashPassword(password);
    try {
      return succeed(
        await this.db.transaction(async (tx) => {
          // `register` never creates an admin: roles come only from an admin or the seed.
          const user = await this.accounts.insert(tx, {
            id: newId("usr"),
            email,
            name,
            passwordHash,
            roles: [Role.CUSTOMER],
          });
          await announceUserRegistered(tx, user);
          return this.issue(tx, user, newId("rtf"));
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error, "users_email_lower_key")) {
        return refuse(userError(UserErrorCode.TAKEN, "An account with this email already exists.", ["input", "email"]));
      }
      throw error;
    }
  }

  async login(email: string, password: string): Promise<Outcome<IssuedSession>> {
    const normalized = email.trim().slice(0, 254);
    if (await this.throttle.isBlocked(normalized)) {
      throw rateLimited(`Too many failed sign-in attempts. Try again in ${this.settings.loginWindowMinutes} minutes.`);
    }
    const user =
      email.length <= 254 && password.length <= 128 ? await this.accounts.findByEmail(normalized) : undefined;
    // Unknown email and wrong password are indistinguishable, in answer and in time.
    if (!(await verifyPassword(user?.passwordHash ?? null, password)) || !user) {
      await this.throttle.recordFailure(normalized);
      return refuse(userError(UserErrorCode.INVALID_CREDENTIALS, "The email or password is incorrect."));
    }
    await this.throttle.clear(normalized);
    return succeed(await this.db.transaction((tx) => this.issue(tx, user, newId("rtf"))));
  }

  /**
   * Exchanges a refresh token for new tokens. The same token presented again within the grace
   * window (two tabs at once) returns the same new pair; after it, reuse revokes the whole family.
   */
  async refresh(refreshToken: string): Promise<Outcome<IssuedSession>> {
    const invalid = refuse<IssuedSession>(
      userError(UserErrorCode.INVALID_TOKEN, "The refresh token is invalid, expired or already used. Sign in again.", [
        "refreshToken",
      ]),
    );
    if (!refreshToken.startsWith(REFRESH_TOKEN_PREFIX) || refreshToken.length > 100) return invalid;
    const tokenHash = hashToken(refreshToken);
    const now = new Date();
    const outcome = await this.db.transaction(async (tx) => {
      const consumed = await this.refreshTokens.consume(tx, tokenHash, now);
      if (consumed) {
        const [user] = await new AccountRepository(tx).findByIds([consumed.userId]);
        if (!user) return { session: null };
        const session = await this.issue(tx, user, consumed.familyId);
        // Kept (sealed) for a second tab presenting the same token within the grace window.
        await this.refreshTokens.recordSuccessor(tx, consumed.id, sealSuccessor(refreshToken, session));
        return { session };
      }
      const known = await this.refreshTokens.findByHash(tx, tokenHash);
      if (known && known.rotatedAt && !known.revokedAt && known.successor) {
        const sinceUse = now.getTime() - known.rotatedAt.getTime();
        const again =
          sinceUse <= this.settings.refreshReuseGraceSeconds * 1000
            ? openSuccessor(refreshToken, known.successor)
            : null;
        const [user] = again ? await new AccountRepository(tx).findByIds([known.userId]) : [];
        if (again && user) return { session: { ...again, user } };
      }
      if (known && (known.rotatedAt || known.revokedAt)) {
        // A used token came back after the grace window: it was stolen, or the session was ended.
        // Either way, end the family.
        const revoked = await this.refreshTokens.revokeFamily(tx, known.familyId, now);
        if (revoked > 0)
          this.log.warn({ userId: known.userId, familyId: known.familyId }, "refresh token reuse: family revoked");
      }
      return { session: null };
    });
    return outcome.session ? succeed(outcome.session) : invalid;
  }

  /** Ends the session the refresh token belongs to (its whole family). */
  async logout(refreshToken: string): Promise<Outcome<true>> {
    const known = refreshToken.startsWith(REFRESH_TOKEN_PREFIX)
      ? await this.refreshTokens.findByHash(this.db, hashToken(refreshToken))
      : undefined;
    if (!known)
      return refuse(userError(UserErrorCode.INVALID_TOKEN, "The refresh token is not valid.", ["refreshToken"]));
    await this.refreshTokens.revokeFamily(this.db, known.familyId, new Date());
    return succeed(true);
  }

  private async issue(tx: UsersExecutor, user: UserRow, familyId: string): Promise<IssuedSession> {
    const refreshToken = REFRESH_TOKEN_PREFIX + randomBytes(32).toString("base64url");
    await this.refreshTokens.insert(tx, {
      id: newId("rtk"),
      familyId,
      userId: user.id,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(Date.now() + this.settings.refreshTokenTtlDays * 86_400_000),
    });
    const accessToken = signAccessToken(
      this.signingKey,
      { userId: user.id, roles: user.roles as Role[] },
      this.settings.accessTokenTtlSeconds,
    );
    return { accessToken, refreshToken, expiresIn: this.settings.accessTokenTtlSeconds, user };
  }
}
