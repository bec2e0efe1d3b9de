import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  type NotificationChannelValue,
  type NotificationKindValue,
  type NotificationTopicValue,
} from "../db/schema";

/** Marketing is opt-in (consent law); what a customer asked for or is owed is on until switched off. */
export const DEFAULT_ENABLED: Readonly<Record<NotificationKindValue, boolean>> = {
  ORDER_UPDATES: true,
  WISHLIST_ALERTS: true,
  MARKETING: false,
};

/** The kind a topic belongs to; null for account messages, which no preference turns off. */
export const KIND_OF_TOPIC: Readonly<Record<NotificationTopicValue, NotificationKindValue | null>> = {
  WELCOME: null,
  ORDER_PLACED: "ORDER_UPDATES",
  ORDER_PAID: "ORDER_UPDATES",
  ORDER_SHIPPED: "ORDER_UPDATES",
  ORDER_CANCELLED: "ORDER_UPDATES",
  ORDER_REFUNDED: "ORDER_UPDATES",
  PRICE_DROP: "WISHLIST_ALERTS",
  BACK_IN_STOCK: "WISHLIST_ALERTS",
  DATA_EXPORT_READY: null,
};

export interface PreferenceSetting {
  kind: NotificationKindValue;
  channel: NotificationChannelValue;
  enabled: boolean;
}

/** Every kind on every channel, in a fixed order: stored choices over the defaults. */
export function effectivePreferences(stored: readonly PreferenceSetting[]): PreferenceSetting[] {
  const chosen = new Map(stored.map((row) => [`${row.kind}:${row.channel}`, row.enabled]));
  return NOTIFICATION_KINDS.flatMap((kind) =>
    NOTIFICATION_CHANNELS.map((channel) => ({
      kind,
      channel,
      enabled: chosen.get(`${kind}:${channel}`) ?? DEFAULT_ENABLED[kind],
    })),
  );
}

/** Whether a topic goes out on a channel, given a customer's effective preferences. */
export function wants(
  preferences: readonly PreferenceSetting[],
  topic: NotificationTopicValue,
  channel: NotificationChannelValue,
): boolean {
  const kind = KIND_OF_TOPIC[topic];
  if (kind === null) return true;
  return preferences.find((p) => p.kind === kind && p.channel === channel)?.enabled ?? DEFAULT_ENABLED[kind];
}

export const preferenceChangesSchema = z
  .array(
    z.object({
      kind: z.enum(NOTIFICATION_KINDS),
      channel: z.enum(NOTIFICATION_CHANNELS),
      enabled: z.boolean(),
    }),
  )
  .min(1, "Give at least one preference.")
  .max(NOTIFICATION_KINDS.length * NOTIFICATION_CHANNELS.length, "Give each kind and channel at most once.")
  .refine(
    (changes) => new Set(changes.map((c) => `${c.kind}:${c.channel}`)).size === changes.length,
    "Give each kind and channel at most once.",
  );

/** What an unsubscribe link allows: switching one kind's emails off for one customer, until `exp`. */
export interface UnsubscribeClaim {
  userId: string;
  kind: NotificationKindValue;
  /** Seconds since the epoch. */
  exp: number;
}

const claimSchema = z.object({
  u: z.string().min(1).max(200),
  k: z.enum(NOTIFICATION_KINDS),
  e: z.number().int().positive(),
});

const mac = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest();

/**
 * `<payload>.<signature>`, both base64url: the payload is readable (it holds nothing secret), the
 * HMAC-SHA256 over it is what makes it trustworthy. A link works signed out, so it carries its
 * own expiry.
 */
export function signUnsubscribeToken(secret: string, claim: UnsubscribeClaim): string {
  const payload = Buffer.from(JSON.stringify({ u: claim.userId, k: claim.kind, e: claim.exp })).toString("base64url");
  return `${payload}.${mac(secret, payload).toString("base64url")}`;
}

export type UnsubscribeTokenCheck =
  | { ok: true; claim: UnsubscribeClaim }
  | { ok: false; reason: "invalid" | "expired" };

export function verifyUnsubscribeToken(secret: string, token: string, now: Date): UnsubscribeTokenCheck {
  const invalid = { ok: false, reason: "invalid" } as const;
  if (token.length > 1024) return invalid;
  const [payload, signature, ...rest] = token.split(".");
  if (!payload || !signature || rest.length > 0) return invalid;
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, "base64url");
  // Constant time, so the signature cannot be guessed byte by byte.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return invalid;
  }
  const claim = claimSchema.safeParse(decoded);
  if (!claim.success) return invalid;
  if (claim.data.e * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, claim: { userId: claim.data.u, kind: claim.data.k, exp: claim.data.e } };
}
