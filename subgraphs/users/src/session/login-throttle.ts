import { and, count, eq, gt, lt } from "drizzle-orm";
import type { UsersExecutor } from "../db";
import { loginFailures } from "../db/schema";

export interface ThrottleSettings {
  maxFailures: number;
  windowMinutes: number;
}

/**
 * Slows password guessing against one account: after `maxFailures` failed sign-ins within the
 * window, that email is refused until the oldest failure ages out. Kept in PostgreSQL, so every
 * replica counts the same failures.
 */
export class LoginThrottle {
  constructor(
    private readonly db: UsersExecutor,
    private readonly settings: ThrottleSettings,
  ) {}

  private since(now: Date): Date {
    return new Date(now.getTime() - this.settings.windowMinutes * 60_000);
  }

  async isBlocked(email: string, now = new Date()): Promise<boolean> {
    const [row] = await this.db
      .select({ value: count() })
      .from(loginFailures)
      .where(and(eq(loginFailures.email, email.toLowerCase()), gt(loginFailures.failedAt, this.since(now))));
    return (row?.value ?? 0) >= this.settings.maxFailures;
  }

  async recordFailure(email: string, now = new Date()): Promise<void> {
    await this.db.insert(loginFailures).values({ email: email.toLowerCase(), failedAt: now });
    // Old rows serve no purpose; drop them as we go rather than with a separate job.
    await this.db
      .delete(loginFailures)
      .where(and(eq(loginFailures.email, email.toLowerCase()), lt(loginFailures.failedAt, this.since(now))));
  }

  async clear(email: string): Promise<void> {
    await this.db.delete(loginFailures).where(eq(loginFailures.email, email.toLowerCase()));
  }
}
