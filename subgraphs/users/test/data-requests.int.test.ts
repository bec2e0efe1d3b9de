import { connectBroker, type Broker } from "@cartograph/events";
import { createLogger } from "@cartograph/service-kit";
import { callSubgraph, eventEnvelope, RABBITMQ_URL, uniqueEmail, waitFor } from "@cartograph/testing";
import { ANSWERING_SERVICES } from "../src/data-request/data-request.rules";
import { startUsersHarness, type UsersHarness } from "./harness";

// A customer's data on request, users' side: it answers its own part at once and assembles the
// other services' answers, which this test plays through the real broker.

let users: UsersHarness;
let broker: Broker;

beforeAll(async () => {
  users = await startUsersHarness({ DATA_EXPORT_TTL_DAYS: "7" });
  broker = connectBroker({
    url: RABBITMQ_URL,
    exchange: users.config.EVENTS_EXCHANGE,
    log: createLogger("users-test-broker", "silent"),
  });
});
afterAll(async () => {
  await broker?.close();
  await users?.close();
});

const OTHERS = ANSWERING_SERVICES.filter((service) => service !== "users");

interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}

async function registered(name: string): Promise<Session & { email: string }> {
  const email = uniqueEmail(name.toLowerCase());
  const result = await callSubgraph<{ register: Session }>(
    users.url,
    "mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }",
    { input: { email, password: "password123", name } },
  );
  const session = result.data!.register;
  await callSubgraph(
    users.url,
    'mutation { addAddress(input: { line1: "1 Privacy Lane", city: "Springfield", postalCode: "12345", country: "US" }) { address { id } } }',
    {},
    { accessToken: session.accessToken },
  );
  return { ...session, email };
}

/** Users signs its own tokens: an admin is made in the store, then signs in. */
async function adminToken(): Promise<string> {
  const admin = await registered("Admin");
  await users.database.pool.query("update users set roles = '{CUSTOMER,ADMIN}' where id = $1", [admin.user.id]);
  const result = await callSubgraph<{ login: { accessToken: string } }>(
    users.url,
    'mutation($email: String!) { login(email: $email, password: "password123") { accessToken } }',
    { email: admin.email },
  );
  return result.data!.login.accessToken;
}

const REQUEST_FIELDS =
  "id customerId kind status expiresAt completedAt awaitingServices document answers { service erased { kind count } }";

interface DataRequestView {
  id: string;
  customerId: string;
  kind: string;
  status: string;
  expiresAt: string | null;
  completedAt: string | null;
  awaitingServices: string[];
  document: string | null;
  answers: Array<{ service: string; erased: Array<{ kind: string; count: number }> | null }>;
}

async function myRequests(accessToken: string): Promise<DataRequestView[]> {
  const result = await callSubgraph<{ me: { dataRequests: DataRequestView[] } }>(
    users.url,
    `{ me { dataRequests { ${REQUEST_FIELDS} } } }`,
    {},
    { accessToken },
  );
  return result.data!.me.dataRequests;
}

async function outboxEvents(type: string, userId: string) {
  const { rows } = await users.database.pool.query<{ envelope: { data: Record<string, unknown> } }>(
    "select envelope from outbox_events where type = $1 and envelope->'data'->>'userId' = $2 order by occurred_at",
    [type, userId],
  );
  return rows.map((row) => row.envelope.data);
}

const answerExport = (requestId: string, userId: string, service: string, data: Record<string, unknown>) =>
  broker.publishEvent(eventEnvelope("user.data_exported", userId, { requestId, userId, service, data }));

describe("a customer's data on request (users)", () => {
  it("an export: users' part at once, the others' as they answer, READY with a document once all did", async () => {
    const ada = await registered("Ada");
    const other = await registered("Grace");
    const requested = await callSubgraph<{ requestMyData: { dataRequest: DataRequestView; userErrors: unknown[] } }>(
      users.url,
      `mutation { requestMyData { dataRequest { ${REQUEST_FIELDS} } userErrors { code } } }`,
      {},
      { accessToken: ada.accessToken },
    );
    const request = requested.data!.requestMyData.dataRequest;
    expect(request).toMatchObject({ kind: "EXPORT", status: "PENDING", customerId: ada.user.id, document: null });
    expect(request.awaitingServices).toEqual(OTHERS);
    expect(await outboxEvents("user.data_requested", ada.user.id)).toEqual([
      expect.objectContaining({ requestId: request.id, userId: ada.user.id }),
    ]);
    // Asking again while it is assembled returns the same request.
    const again = await callSubgraph<{ requestMyData: { dataRequest: { id: string } } }>(
      users.url,
      "mutation { requestMyData { dataRequest { id } } }",
      {},
      { accessToken: ada.accessToken },
    );
    expect(again.data!.requestMyData.dataRequest.id).toBe(request.id);

    for (const service of OTHERS.slice(0, -1)) await answerExport(request.id, ada.user.id, service, { from: service });
    await waitFor(async () => (await myRequests(ada.accessToken))[0]!.awaitingServices.length === 1 || undefined, {
      what: "every answer but one recorded",
    });
    // A second answer from a service counts once; an answer naming another customer is ignored.
    await answerExport(request.id, ada.user.id, "orders", { from: "orders, again" });
    await answerExport(request.id, other.user.id, OTHERS.at(-1)!, { from: "a forged answer" });
    expect((await myRequests(ada.accessToken))[0]!.status).toBe("PENDING");
    await answerExport(request.id, ada.user.id, OTHERS.at(-1)!, { from: OTHERS.at(-1) });
    const [ready] = await waitFor(
      async () => {
        const requests = await myRequests(ada.accessToken);
        return requests[0]!.status === "READY" ? requests : undefined;
      },
      { what: "the export to be ready" },
    );
    const days = (Date.parse(ready!.expiresAt!) - Date.parse(ready!.completedAt!)) / 86_400_000;
    expect(days).toBe(7);
    const document = JSON.parse(ready!.document!) as {
      customerId: string;
      services: Record<string, Record<string, unknown> | null>;
    };
    expect(document.customerId).toBe(ada.user.id);
    expect(Object.keys(document.services)).toEqual([...ANSWERING_SERVICES]);
    expect(document.services.orders).toEqual({ from: "orders" });
    const own = document.services.users as {
      account: { email: string; name: string };
      addresses: Array<{ line1: string }>;
    };
    expect(own.account).toMatchObject({ email: ada.email, name: "Ada" });
    expect(own.addresses.map((address) => address.line1)).toEqual(["1 Privacy Lane"]);
    expect(ready!.document).not.toContain(other.email);
    expect(ready!.document).not.toContain("a forged answer");
    expect(await outboxEvents("user.data_export_ready", ada.user.id)).toEqual([
      expect.objectContaining({ requestId: request.id, expiresAt: ready!.expiresAt }),
    ]);
  });

  it("deleting the account: only with the password; erased at once in users, COMPLETED when every service confirmed", async () => {
    const bob = await registered("Bob");
    const wrong = await callSubgraph<{
      deleteMyAccount: { dataRequest: unknown; userErrors: Array<{ code: string }> };
    }>(
      users.url,
      'mutation { deleteMyAccount(password: "not-my-password") { dataRequest { id } userErrors { code } } }',
      {},
      { accessToken: bob.accessToken },
    );
    expect(wrong.data!.deleteMyAccount).toEqual({ dataRequest: null, userErrors: [{ code: "INVALID_CREDENTIALS" }] });
    expect(await outboxEvents("user.deleted", bob.user.id)).toEqual([]);

    const deleted = await callSubgraph<{ deleteMyAccount: { dataRequest: DataRequestView } }>(
      users.url,
      `mutation { deleteMyAccount(password: "password123") { dataRequest { ${REQUEST_FIELDS} } userErrors { code } } }`,
      {},
      { accessToken: bob.accessToken },
    );
    const request = deleted.data!.deleteMyAccount.dataRequest;
    expect(request).toMatchObject({ kind: "ERASURE", status: "PENDING" });
    expect(request.answers.map((answer) => answer.service)).toEqual(["users"]);
    // `publishedEvents` is 1 once the relay has sent `user.registered`, which it usually has by now.
    expect(request.answers[0]!.erased!.filter((count) => count.kind !== "publishedEvents")).toEqual([
      { kind: "accounts", count: 1 },
      { kind: "addresses", count: 1 },
      { kind: "exports", count: 0 },
      { kind: "failedSignIns", count: 0 },
      { kind: "sessions", count: 1 },
    ]);
    expect(await outboxEvents("user.deleted", bob.user.id)).toEqual([
      expect.objectContaining({ requestId: request.id, userId: bob.user.id }),
    ]);

    // Nothing personal is left in users' store, and the account is closed for good.
    const { rows } = await users.database.pool.query("select email, name, deleted_at from users where id = $1", [
      bob.user.id,
    ]);
    expect(rows[0].email).not.toContain(bob.email.split("@")[0]);
    expect(rows[0].name).toBe("Deleted customer");
    expect(rows[0].deleted_at).not.toBeNull();
    const left = await users.database.pool.query(
      "select (select count(*) from addresses where user_id = $1)::int as addresses, (select count(*) from refresh_tokens where user_id = $1)::int as sessions",
      [bob.user.id],
    );
    expect(left.rows[0]).toEqual({ addresses: 0, sessions: 0 });
    const login = await callSubgraph<{ login: { userErrors: Array<{ code: string }> } }>(
      users.url,
      'mutation($email: String!) { login(email: $email, password: "password123") { userErrors { code } } }',
      { email: bob.email },
    );
    expect(login.data!.login.userErrors).toEqual([expect.objectContaining({ code: "INVALID_CREDENTIALS" })]);
    const refresh = await callSubgraph<{ refreshToken: { userErrors: Array<{ code: string }> } }>(
      users.url,
      "mutation($token: String!) { refreshToken(refreshToken: $token) { userErrors { code } } }",
      { token: bob.refreshToken },
    );
    expect(refresh.data!.refreshToken.userErrors.length).toBe(1);
    // The address is free again: someone can register with it.
    const reuse = await callSubgraph<{ register: { userErrors: unknown[] } }>(
      users.url,
      "mutation($input: RegisterInput!) { register(input: $input) { userErrors { code } } }",
      { input: { email: bob.email, password: "password123", name: "New Bob" } },
    );
    expect(reuse.data!.register.userErrors).toEqual([]);

    for (const service of OTHERS)
      await broker.publishEvent(
        eventEnvelope("user.erased", bob.user.id, {
          requestId: request.id,
          userId: bob.user.id,
          service,
          summary: { [`${service}Rows`]: 2 },
        }),
      );
    const admin = await adminToken();
    const trail = await waitFor(
      async () => {
        const result = await callSubgraph<{ dataRequests: { nodes: DataRequestView[] } }>(
          users.url,
          `{ dataRequests(first: 10, kind: ERASURE) { nodes { ${REQUEST_FIELDS} } } }`,
          {},
          { accessToken: admin },
        );
        const found = result.data?.dataRequests.nodes.find((node) => node.id === request.id);
        return found?.status === "COMPLETED" ? found : undefined;
      },
      { what: "the erasure to be completed" },
    );
    expect(trail.awaitingServices).toEqual([]);
    expect(trail.answers.map((answer) => answer.service).sort()).toEqual([...ANSWERING_SERVICES].sort());
    expect(trail.answers.find((answer) => answer.service === "orders")!.erased).toEqual([
      { kind: "ordersRows", count: 2 },
    ]);
    expect(trail.document).toBeNull();
  });

  it("the trail is for admins; a customer sees only their own requests", async () => {
    const eve = await registered("Eve");
    const listing = await callSubgraph(
      users.url,
      "{ dataRequests(first: 5) { totalCount } }",
      {},
      { accessToken: eve.accessToken },
    );
    expect(listing.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await myRequests(eve.accessToken)).toEqual([]);
  });
});
