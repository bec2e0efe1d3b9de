import {
  effectivePreferences,
  preferenceChangesSchema,
  signUnsubscribeToken,
  verifyUnsubscribeToken,
  wants,
} from "./preference.rules";

const SECRET = "a-test-secret-that-is-long-enough-000";
const now = new Date("2026-06-01T00:00:00Z");
const inADay = Math.floor(now.getTime() / 1000) + 86_400;

describe("notification preferences", () => {
  it("defaults order updates and wishlist alerts on, marketing off, on both channels", () => {
    const prefs = effectivePreferences([]);
    expect(prefs).toHaveLength(6);
    expect(prefs.filter((p) => p.enabled).map((p) => `${p.kind}:${p.channel}`)).toEqual([
      "ORDER_UPDATES:EMAIL",
      "ORDER_UPDATES:IN_APP",
      "WISHLIST_ALERTS:EMAIL",
      "WISHLIST_ALERTS:IN_APP",
    ]);
  });

  it("lets stored choices override the defaults, channel by channel", () => {
    const prefs = effectivePreferences([{ kind: "ORDER_UPDATES", channel: "EMAIL", enabled: false }]);
    expect(wants(prefs, "ORDER_PAID", "EMAIL")).toBe(false);
    expect(wants(prefs, "ORDER_PAID", "IN_APP")).toBe(true);
    // Account messages belong to no kind: no preference turns them off.
    expect(wants(prefs, "WELCOME", "EMAIL")).toBe(true);
  });

  it("refuses a kind and channel given twice", () => {
    const twice = [
      { kind: "MARKETING", channel: "EMAIL", enabled: true },
      { kind: "MARKETING", channel: "EMAIL", enabled: false },
    ];
    expect(preferenceChangesSchema.safeParse(twice).success).toBe(false);
    expect(preferenceChangesSchema.safeParse([]).success).toBe(false);
  });
});

describe("unsubscribe tokens", () => {
  const token = signUnsubscribeToken(SECRET, { userId: "usr_1", kind: "ORDER_UPDATES", exp: inADay });

  it("round-trips a signed claim", () => {
    expect(verifyUnsubscribeToken(SECRET, token, now)).toEqual({
      ok: true,
      claim: { userId: "usr_1", kind: "ORDER_UPDATES", exp: inADay },
    });
  });

  it("refuses a token whose payload was changed, signed with another secret, or malformed", () => {
    const [, signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ u: "usr_2", k: "ORDER_UPDATES", e: inADay })).toString("base64url");
    expect(verifyUnsubscribeToken(SECRET, `${forged}.${signature}`, now)).toEqual({ ok: false, reason: "invalid" });
    const other = signUnsubscribeToken("another-secret-that-is-long-enough-00", {
      userId: "usr_1",
      kind: "ORDER_UPDATES",
      exp: inADay,
    });
    expect(verifyUnsubscribeToken(SECRET, other, now)).toEqual({ ok: false, reason: "invalid" });
    for (const bad of ["", "abc", "a.b.c", `${token}x`, "x".repeat(2000)])
      expect(verifyUnsubscribeToken(SECRET, bad, now)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses an expired token", () => {
    const expired = signUnsubscribeToken(SECRET, { userId: "usr_1", kind: "MARKETING", exp: inADay - 86_400 * 2 });
    expect(verifyUnsubscribeToken(SECRET, expired, now)).toEqual({ ok: false, reason: "expired" });
  });
});
