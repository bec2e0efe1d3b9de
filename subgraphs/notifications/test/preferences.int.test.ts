import { signUnsubscribeToken } from "../src/preference/preference.rules";
import {
  emailsOf,
  mailTo,
  orderPlaced,
  registeredCustomer,
  startNotificationsHarness,
  waitFor,
  type NotificationsHarness,
} from "./harness";

let harness: NotificationsHarness;
beforeAll(async () => {
  harness = await startNotificationsHarness();
});
afterAll(() => harness?.close());

interface Preference {
  kind: string;
  channel: string;
  enabled: boolean;
}

const PREFERENCES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { notificationPreferences { kind channel enabled } } } }`;
const UPDATE = `mutation($p: [NotificationPreferenceInput!]!) { updateNotificationPreferences(preferences: $p) {
  notificationPreferences { kind channel enabled } userErrors { code field message } } }`;
const UNSUBSCRIBE = `mutation($t: String!) { unsubscribe(token: $t) { notificationPreference { kind channel enabled } userErrors { code field message } } }`;

async function preferencesOf(userId: string, token: string): Promise<Preference[]> {
  const result = await harness.gql<{ _entities: Array<{ notificationPreferences: Preference[] }> }>(
    PREFERENCES,
    { r: [{ __typename: "User", id: userId }] },
    token,
  );
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0]!.notificationPreferences;
}

const enabled = (prefs: Preference[]) => prefs.filter((p) => p.enabled).map((p) => `${p.kind}:${p.channel}`);

async function notificationTopics(userId: string): Promise<string[]> {
  const { rows } = await harness.database.pool.query<{ topic: string }>(
    "select topic from notifications where user_id = $1 order by created_at, id",
    [userId],
  );
  return rows.map((row) => row.topic);
}

/** The token of the unsubscribe link in the newest email to this address. */
async function unsubscribeTokenFrom(address: string, count: number): Promise<string> {
  await waitFor(() => mailTo(harness, address).length === count, { what: `${count} emails to ${address}` });
  const text = mailTo(harness, address).at(-1)!.text ?? "";
  const link = /Unsubscribe from these emails: (\S+)/.exec(text)?.[1];
  expect(link).toBeDefined();
  return new URL(link!).searchParams.get("token")!;
}

describe("notification preferences", () => {
  it("start with order updates and wishlist alerts on, marketing off, and are the owner's alone", async () => {
    const customer = await registeredCustomer(harness);
    expect(enabled(await preferencesOf(customer.userId, customer.token))).toEqual([
      "ORDER_UPDATES:EMAIL",
      "ORDER_UPDATES:IN_APP",
      "WISHLIST_ALERTS:EMAIL",
      "WISHLIST_ALERTS:IN_APP",
    ]);
    const stranger = await harness.gql(
      PREFERENCES,
      { r: [{ __typename: "User", id: customer.userId }] },
      harness.tokens.customer(),
    );
    expect(stranger.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const admin = await harness.gql(
      PREFERENCES,
      { r: [{ __typename: "User", id: customer.userId }] },
      harness.tokens.admin(),
    );
    expect(admin.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const signedOut = await harness.gql(PREFERENCES, { r: [{ __typename: "User", id: customer.userId }] }, null);
    expect(signedOut.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("are honoured per channel: order updates off by email still arrive in the app, off in the app still by email", async () => {
    const customer = await registeredCustomer(harness);
    const update = await harness.gql<{ updateNotificationPreferences: { notificationPreferences: Preference[] } }>(
      UPDATE,
      {
        p: [
          { kind: "ORDER_UPDATES", channel: "EMAIL", enabled: false },
          { kind: "MARKETING", channel: "IN_APP", enabled: true },
        ],
      },
      customer.token,
    );
    expect(update.errors).toBeUndefined();
    expect(enabled(update.data!.updateNotificationPreferences.notificationPreferences)).toEqual([
      "ORDER_UPDATES:IN_APP",
      "WISHLIST_ALERTS:EMAIL",
      "WISHLIST_ALERTS:IN_APP",
      "MARKETING:IN_APP",
    ]);

    await harness.deliver(orderPlaced(customer.userId));
    expect(await notificationTopics(customer.userId)).toEqual(["WELCOME", "ORDER_PLACED"]);
    expect((await emailsOf(harness, customer.userId)).map((row) => row.topic)).toEqual(["WELCOME"]);

    await harness.gql(
      UPDATE,
      {
        p: [
          { kind: "ORDER_UPDATES", channel: "EMAIL", enabled: true },
          { kind: "ORDER_UPDATES", channel: "IN_APP", enabled: false },
        ],
      },
      customer.token,
    );
    await harness.deliver(orderPlaced(customer.userId));
    expect(await notificationTopics(customer.userId)).toEqual(["WELCOME", "ORDER_PLACED"]);
    expect((await emailsOf(harness, customer.userId)).map((row) => row.topic)).toEqual(["WELCOME", "ORDER_PLACED"]);
  });

  it("refuses a kind given twice, and strangers", async () => {
    const customer = await registeredCustomer(harness);
    const twice = await harness.gql<{ updateNotificationPreferences: { userErrors: Array<{ code: string }> } }>(
      UPDATE,
      {
        p: [
          { kind: "MARKETING", channel: "EMAIL", enabled: true },
          { kind: "MARKETING", channel: "EMAIL", enabled: false },
        ],
      },
      customer.token,
    );
    expect(twice.data!.updateNotificationPreferences.userErrors[0]?.code).toBe("INVALID");
    const signedOut = await harness.gql(UPDATE, { p: [{ kind: "MARKETING", channel: "EMAIL", enabled: true }] }, null);
    expect(signedOut.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("unsubscribe links", () => {
  it("switch that kind's emails off without signing in, and no more such emails are sent", async () => {
    const customer = await registeredCustomer(harness);
    await harness.deliver(orderPlaced(customer.userId));
    const token = await unsubscribeTokenFrom(customer.email, 2);

    const result = await harness.gql<{ unsubscribe: { notificationPreference: Preference; userErrors: unknown[] } }>(
      UNSUBSCRIBE,
      { t: token },
      null,
    );
    expect(result.data!.unsubscribe).toEqual({
      notificationPreference: { kind: "ORDER_UPDATES", channel: "EMAIL", enabled: false },
      userErrors: [],
    });
    expect(enabled(await preferencesOf(customer.userId, customer.token))).not.toContain("ORDER_UPDATES:EMAIL");
    // Using the link again is harmless.
    const again = await harness.gql<{ unsubscribe: { userErrors: unknown[] } }>(UNSUBSCRIBE, { t: token }, null);
    expect(again.data!.unsubscribe.userErrors).toEqual([]);

    await harness.deliver(orderPlaced(customer.userId));
    expect(await notificationTopics(customer.userId)).toEqual(["WELCOME", "ORDER_PLACED", "ORDER_PLACED"]);
    expect((await emailsOf(harness, customer.userId)).map((row) => row.topic)).toEqual(["WELCOME", "ORDER_PLACED"]);
  });

  it("fail when tampered with or expired, and change nothing", async () => {
    const customer = await registeredCustomer(harness);
    const victim = await registeredCustomer(harness, "Grace Hopper");
    await harness.deliver(orderPlaced(customer.userId));
    const token = await unsubscribeTokenFrom(customer.email, 2);
    const [, signature] = token.split(".");
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const forgedPayload = Buffer.from(JSON.stringify({ u: victim.userId, k: "ORDER_UPDATES", e: exp })).toString(
      "base64url",
    );
    const expired = signUnsubscribeToken(harness.config.UNSUBSCRIBE_SECRET, {
      userId: victim.userId,
      kind: "ORDER_UPDATES",
      exp: Math.floor(Date.now() / 1000) - 1,
    });

    for (const [bad, message] of [
      [`${forgedPayload}.${signature}`, /not valid/],
      [`${token.slice(0, -2)}AA`, /not valid/],
      ["not-a-token", /not valid/],
      [expired, /expired/],
    ] as const) {
      const result = await harness.gql<{
        unsubscribe: { notificationPreference: null; userErrors: Array<{ code: string; message: string }> };
      }>(UNSUBSCRIBE, { t: bad }, null);
      expect(result.data!.unsubscribe.notificationPreference).toBeNull();
      expect(result.data!.unsubscribe.userErrors[0]).toMatchObject({
        code: "INVALID_TOKEN",
        message: expect.stringMatching(message),
      });
    }
    expect(enabled(await preferencesOf(victim.userId, victim.token))).toContain("ORDER_UPDATES:EMAIL");
    expect(enabled(await preferencesOf(customer.userId, customer.token))).toContain("ORDER_UPDATES:EMAIL");
  });
});
