import {
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import type { NotificationsDb } from "../db";
import { PreferenceRepository } from "./preference.repository";
import {
  effectivePreferences,
  preferenceChangesSchema,
  verifyUnsubscribeToken,
  type PreferenceSetting,
} from "./preference.rules";

/** Customers' notification choices, and the signed-out way to switch emails off. */
export class PreferenceService {
  private readonly preferences: PreferenceRepository;

  constructor(
    private readonly db: NotificationsDb,
    private readonly unsubscribeSecret: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.preferences = new PreferenceRepository(db);
  }

  async updatePreferences(
    userId: string,
    changes: readonly PreferenceSetting[],
  ): Promise<Outcome<PreferenceSetting[]>> {
    const valid = validateInput(preferenceChangesSchema, changes, ["preferences"]);
    if (!valid.ok) return valid;
    return this.db.transaction(async (tx) => {
      await this.preferences.save(tx, userId, valid.value);
      return succeed(effectivePreferences(await this.preferences.ofUsers([userId], tx)));
    });
  }

  /** Switches off the emails of the kind the signed link names; using a link twice is harmless. */
  async unsubscribe(token: string): Promise<Outcome<PreferenceSetting>> {
    const checked = verifyUnsubscribeToken(this.unsubscribeSecret, token, this.now());
    if (!checked.ok) {
      return refuse(
        userError(
          UserErrorCode.INVALID_TOKEN,
          checked.reason === "expired"
            ? "This unsubscribe link has expired. Sign in to change your notification preferences."
            : "This unsubscribe link is not valid.",
          ["token"],
        ),
      );
    }
    const setting: PreferenceSetting = { kind: checked.claim.kind, channel: "EMAIL", enabled: false };
    await this.db.transaction((tx) => this.preferences.save(tx, checked.claim.userId, [setting]));
    return succeed(setting);
  }
}
